package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.session.PriceTable;
import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Everything a run reaches outside itself, handed to it once: the worker's name and settings, the
 * ports (leases, log, setups, sandboxes, secrets, models), time and randomness, and the runtime
 * kind it works with, and the tools the brain runs itself. Tests pass fakes.
 *
 * @param ticker monotonic nanoseconds ({@code System::nanoTime})
 * @param random the source of the retries' jitter
 * @param remoteUrls the SSRF check of remote MCP servers' URLs
 * @param prices what models cost, for the sessions' budgets ({@link Budget})
 */
record RunContext(String workerId, BrainProperties properties, SessionLeases leases, EventLog eventLog,
        SessionSetups setups, SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock,
        LongSupplier ticker, RandomGenerator random, AgentRuntime.Kind runtime, BrainTools brainTools,
        RemoteUrlCheck remoteUrls, PriceTable prices) {

    /** A context whose runs call no remote MCP server, with the given price table. */
    RunContext(String workerId, BrainProperties properties, SessionLeases leases, EventLog eventLog,
            SessionSetups setups, SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock,
            LongSupplier ticker, RandomGenerator random, AgentRuntime.Kind runtime, BrainTools brainTools,
            PriceTable prices) {
        this(workerId, properties, leases, eventLog, setups, sandboxes, secrets, models, clock, ticker, random, runtime,
                brainTools, RemoteUrlCheck.REFUSE_ALL, prices);
    }

    /** A context with the default price table. */
    RunContext(String workerId, BrainProperties properties, SessionLeases leases, EventLog eventLog,
            SessionSetups setups, SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock,
            LongSupplier ticker, RandomGenerator random, AgentRuntime.Kind runtime, BrainTools brainTools,
            RemoteUrlCheck remoteUrls) {
        this(workerId, properties, leases, eventLog, setups, sandboxes, secrets, models, clock, ticker, random, runtime,
                brainTools, remoteUrls, PriceTable.DEFAULTS);
    }

    /** A context whose runs call no remote MCP server, with the default price table. */
    RunContext(String workerId, BrainProperties properties, SessionLeases leases, EventLog eventLog,
            SessionSetups setups, SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock,
            LongSupplier ticker, RandomGenerator random, AgentRuntime.Kind runtime, BrainTools brainTools) {
        this(workerId, properties, leases, eventLog, setups, sandboxes, secrets, models, clock, ticker, random, runtime,
                brainTools, RemoteUrlCheck.REFUSE_ALL, PriceTable.DEFAULTS);
    }

    RunContext {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(leases, "leases");
        Objects.requireNonNull(eventLog, "eventLog");
        Objects.requireNonNull(setups, "setups");
        Objects.requireNonNull(sandboxes, "sandboxes");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(brainTools, "brainTools");
        Objects.requireNonNull(remoteUrls, "remoteUrls");
        Objects.requireNonNull(prices, "prices");
    }
}
