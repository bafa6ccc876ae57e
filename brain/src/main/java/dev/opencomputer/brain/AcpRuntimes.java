package dev.opencomputer.brain;

import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import java.time.Duration;
import java.util.Objects;

/**
 * What the brain needs to run ACP agents: the runtime catalogue, the model gateway that serves their
 * sandboxes, its tokens and the usage it counts, and how long a cancelled turn may take to stop before
 * the agent's process is killed.
 */
public record AcpRuntimes(RuntimeCatalogue catalogue, ModelGateway gateway, GatewayTokens tokens, GatewayUsage usage,
        Duration cancelGrace) {

    /** Where an agent in a sandbox reaches the gateway: the forwarder on the sandbox's loopback. */
    public static final String GATEWAY_URL = "http://127.0.0.1:4480";

    public AcpRuntimes {
        Objects.requireNonNull(catalogue, "catalogue");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(usage, "usage");
        cancelGrace = cancelGrace == null ? Duration.ofSeconds(5) : cancelGrace;
    }

    /** The runtime kind of a worker: each run opens the runtime its agent names. */
    AgentRuntime.Kind kind() {
        return run -> {
            RuntimeDefinition runtime = catalogue.find(run.setup().agent().runtime()).orElse(null);
            if (runtime == null || !runtime.acp()) {
                return runtime == null && !RuntimeDefinition.NATIVE.equals(run.setup().agent().runtime())
                        ? conversation -> java.util.Optional.of(new dev.opencomputer.session.SessionFailed(
                                "runtime_unknown", "this deployment has no runtime named "
                                + run.setup().agent().runtime()))
                        : new NativeRuntime(run);
            }
            return new AcpRuntime(run, this, runtime);
        };
    }
}
