package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.session.PriceTable;
import dev.opencomputer.session.SessionId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A brain worker: claims runnable sessions through {@link SessionLeases} and runs each on its own
 * virtual thread ({@link SessionRun}), at most {@link BrainProperties#maxConcurrentRuns()} at once,
 * extending their leases every {@link BrainProperties#heartbeatInterval()}. Any number of workers
 * (in one process or many) may share a database: a session is run by one of them at a time, and a
 * session whose worker died is resumed by any of them once the lease expires.
 *
 * <p>A run whose lease is lost (another worker claimed it, or renewals failed for a whole lease
 * duration) is stopped: its model call abandoned, its command killed, nothing more appended.
 * {@link #close()} stops every run at once and releases its lease so another worker resumes it
 * without waiting for the lease to expire.
 *
 * <p>It looks for work every {@link BrainProperties#claimInterval()}; {@link #wake()} makes it look
 * at once (the API calls it after a message, so a session on the same replica starts without delay).
 * Thread-safe.
 */
public final class BrainWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrainWorker.class);
    /** Sessions claimed per statement. */
    private static final int CLAIM_BATCH = 16;

    private final BrainProperties properties;
    private final SessionLeases leases;
    private final RunContext context;
    private final Map<SessionId, SessionRun> runs = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread claimer;
    private final ScheduledExecutorService heartbeats;
    private boolean woken;
    private volatile boolean running;
    private boolean claimFailing;
    private boolean renewFailing;

    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock) {
        this(properties, leases, eventLog, setups, sandboxes, secrets, models, clock, BrainTools.NONE);
    }

    /** A worker whose sessions may also get {@code brainTools} (GitHub's, when the session has a repository). */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock, BrainTools brainTools) {
        this(properties, leases, eventLog, setups, sandboxes, secrets, models, clock, brainTools, PriceTable.DEFAULTS);
    }

    /** A worker whose sessions' budgets price model calls by {@code prices}. */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock, BrainTools brainTools,
            PriceTable prices) {
        this(new RunContext(Objects.requireNonNull(properties, "properties").workerId(), properties, leases, eventLog,
                setups, sandboxes, secrets, models, clock, System::nanoTime, ThreadLocalRandom.current(),
                NativeRuntime::new, brainTools, prices));
    }

    /**
     * A worker whose sessions may also get {@code brainTools}, and may call remote MCP servers whose
     * URLs {@code remoteUrls} allows (the SSRF guard).
     */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock, BrainTools brainTools,
            RemoteUrlCheck remoteUrls) {
        this(new RunContext(Objects.requireNonNull(properties, "properties").workerId(), properties, leases, eventLog,
                setups, sandboxes, secrets, models, clock, System::nanoTime, ThreadLocalRandom.current(),
                NativeRuntime::new, brainTools, remoteUrls));
    }

    /** A worker whose sessions reach remote MCP servers through {@code remoteUrls} and price calls by {@code prices}. */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock, BrainTools brainTools,
            RemoteUrlCheck remoteUrls, PriceTable prices) {
        this(new RunContext(Objects.requireNonNull(properties, "properties").workerId(), properties, leases, eventLog,
                setups, sandboxes, secrets, models, clock, System::nanoTime, ThreadLocalRandom.current(),
                NativeRuntime::new, brainTools, remoteUrls, prices));
    }

    /**
     * A worker whose sessions may also get {@code brainTools}, and whose agents may name an ACP runtime
     * of {@code acp} (run in the sandbox, their model calls through its gateway).
     */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock, BrainTools brainTools,
            AcpRuntimes acp) {
        this(new RunContext(Objects.requireNonNull(properties, "properties").workerId(), properties, leases, eventLog,
                setups, sandboxes, secrets, models, clock, System::nanoTime, ThreadLocalRandom.current(),
                acp.kind(), brainTools));
    }

    /**
     * The whole worker: sessions may get {@code brainTools}, call remote MCP servers through
     * {@code remoteUrls}, price model calls by {@code prices}, and name an ACP runtime ({@code acp}).
     */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock, BrainTools brainTools,
            RemoteUrlCheck remoteUrls, PriceTable prices, AcpRuntimes acp) {
        this(new RunContext(Objects.requireNonNull(properties, "properties").workerId(), properties, leases, eventLog,
                setups, sandboxes, secrets, models, clock, System::nanoTime, ThreadLocalRandom.current(),
                acp.kind(), brainTools, remoteUrls, prices));
    }

    /**
     * The whole worker, whose sessions also reach the network their policy allows through
     * {@code egress} (the proxy on each sandbox's socket directory, {@code opencomputer.egress.*}).
     */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock, BrainTools brainTools,
            RemoteUrlCheck remoteUrls, PriceTable prices, AcpRuntimes acp,
            dev.opencomputer.brain.egress.EgressProxy egress,
            dev.opencomputer.brain.egress.EgressProperties egressProperties) {
        this(new RunContext(Objects.requireNonNull(properties, "properties").workerId(), properties, leases, eventLog,
                setups, sandboxes, secrets, models, clock, System::nanoTime, ThreadLocalRandom.current(),
                new EgressRuns(acp.kind(), egress, egressProperties), brainTools, remoteUrls, prices));
    }

    /** A worker of {@code native} sessions only, whose sessions reach the network through {@code egress}. */
    public BrainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog, SessionSetups setups,
            SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock,
            dev.opencomputer.brain.egress.EgressProxy egress,
            dev.opencomputer.brain.egress.EgressProperties egressProperties) {
        this(new RunContext(Objects.requireNonNull(properties, "properties").workerId(), properties, leases, eventLog,
                setups, sandboxes, secrets, models, clock, System::nanoTime, ThreadLocalRandom.current(),
                new EgressRuns(NativeRuntime::new, egress, egressProperties), BrainTools.NONE));
    }

    /** A worker whose runs reach everything through {@code context}: the ports, time, and the runtime kind. */
    BrainWorker(RunContext context) {
        this.context = context;
        this.properties = context.properties();
        this.leases = context.leases();
        this.claimer = Thread.ofPlatform().daemon().name("oc-brain-claim-" + properties.workerId())
                .unstarted(this::claimLoop);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("oc-brain-heartbeat-" + properties.workerId()).factory());
    }

    /** Starts claiming sessions and heartbeating. */
    public BrainWorker start() {
        running = true;
        claimer.start();
        long every = properties.heartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        log.info("brain worker {} started (lease {}, up to {} runs)", properties.workerId(),
                properties.leaseDuration(), properties.maxConcurrentRuns());
        return this;
    }

    /** Looks for runnable sessions now instead of at the next claim interval. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** This worker's name in the sessions' {@code lease_owner}. */
    public String id() {
        return properties.workerId();
    }

    /** The sessions this worker is running now. */
    public Set<SessionId> activeSessions() {
        return Set.copyOf(runs.keySet());
    }

    private void claimLoop() {
        while (running) {
            boolean more = false;
            try {
                int free = properties.maxConcurrentRuns() - runs.size();
                if (free > 0) {
                    int wanted = Math.min(free, CLAIM_BATCH);
                    long claimedAt = System.nanoTime();
                    List<Lease> claimed = leases.claim(id(), wanted, properties.leaseDuration());
                    for (Lease lease : claimed) {
                        launch(lease, claimedAt);
                    }
                    more = claimed.size() == wanted;
                }
                claimFailing = false;
            } catch (RuntimeException e) {
                if (!claimFailing) {
                    log.warn("worker {} cannot claim sessions (logged once until it can again): {}", id(), e.toString());
                }
                claimFailing = true;
            }
            if (!more) {
                awaitWork(properties.claimInterval());
            }
        }
    }

    private void launch(Lease lease, long claimedAtNanos) {
        if (!running) {
            leases.release(id(), lease);
            return;
        }
        SessionRun run = new SessionRun(context, lease, claimedAtNanos, this::finished);
        SessionRun previous = runs.put(lease.sessionId(), run);
        if (previous != null) {
            // this worker's earlier run of the session lost its lease (it could not be renewed in time)
            previous.stop(RunSignals.Stop.LEASE_LOST);
        }
        log.debug("worker {} runs {} (token {}, {})", id(), lease.sessionId(), lease.token(), lease.status());
        Thread.ofVirtual().name("oc-brain-run-" + lease.sessionId()).start(run);
    }

    private void awaitWork(Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!woken && running && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private void heartbeat() {
        List<SessionRun> active = List.copyOf(runs.values());
        if (active.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (SessionRun run : active) {
            try {
                run.watch();
            } catch (RuntimeException e) {
                log.warn("watchdog of {} failed: {}", run.sessionId(), e.toString());
            }
        }
        try {
            Set<SessionId> held = leases.renew(id(), active.stream().map(SessionRun::lease).toList(),
                    properties.leaseDuration());
            for (SessionRun run : active) {
                if (held.contains(run.sessionId())) {
                    run.renewed(now);
                } else {
                    run.stop(RunSignals.Stop.LEASE_LOST);
                }
            }
            renewFailing = false;
        } catch (RuntimeException e) {
            if (!renewFailing) {
                log.warn("worker {} cannot renew its leases (logged once until it can again): {}", id(), e.toString());
            }
            renewFailing = true;
            long expired = properties.leaseDuration().toNanos();
            for (SessionRun run : active) {
                if (now - run.renewedAtNanos() >= expired) {
                    // the lease may have been claimed by another worker by now: stop before doing harm
                    run.stop(RunSignals.Stop.LEASE_LOST);
                }
            }
        }
    }

    /** Called by a run when it ended; frees its slot and looks for more work. */
    void finished(SessionRun run, SessionRun.Ending ending) {
        runs.remove(run.sessionId(), run);
        log.debug("run of {} on worker {} ended: {}", run.sessionId(), id(), ending);
        wake();
    }

    /**
     * Stops claiming, stops every run (model calls abandoned, commands killed) and releases their
     * leases, waiting up to {@link BrainProperties#shutdownGrace()} for them to wind down.
     */
    @Override
    public void close() {
        running = false;
        wake();
        try {
            claimer.join(properties.shutdownGrace().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runs.values().forEach(run -> run.stop(RunSignals.Stop.SHUTDOWN));
        long deadline = System.nanoTime() + properties.shutdownGrace().toNanos();
        lock.lock();
        try {
            while (!runs.isEmpty() && System.nanoTime() < deadline) {
                changed.awaitNanos(Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (!runs.isEmpty()) {
            log.warn("worker {} closed with {} runs still winding down; their leases expire", id(), runs.size());
        }
        heartbeats.shutdownNow();
        log.info("brain worker {} stopped", id());
    }
}
