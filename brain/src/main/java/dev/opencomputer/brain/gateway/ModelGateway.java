package dev.opencomputer.brain.gateway;

import dev.opencomputer.brain.ModelEndpoint;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.sockets.SandboxSockets;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.session.SandboxId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The model gateway of one brain process: serves {@value #SOCKET} in the socket directory of each
 * sandbox whose agent it runs ({@link SandboxSockets}: the directory is mounted read-only into the
 * sandbox at {@code /run/opencomputer}; a forwarder in the image exposes it on the sandbox's loopback,
 * so a sandbox with {@code network: none} reaches it and nothing else). Each connection is served on
 * its own virtual thread by {@link GatewayExchange}. Thread-safe.
 */
public final class ModelGateway implements AutoCloseable {

    /** The socket's file name in a sandbox's socket directory. */
    public static final String SOCKET = "model.sock";

    private final SandboxSockets sockets;
    private final GatewayUpstream upstream;
    private final GatewayBudgets budgets = new GatewayBudgets();

    /**
     * @param socketDirs the host directory of a sandbox's sockets, empty when none is configured
     * @param endpoints  where each provider's calls go upstream (the provider, or the scripted model server)
     * @param who        who reveals keys, for the secret store's audit trail ({@code gateway:<worker>})
     */
    public ModelGateway(Function<SandboxId, Optional<Path>> socketDirs, GatewayTokens tokens, SecretStore secrets,
            Function<ModelProvider, ModelEndpoint> endpoints, GatewayUsage usage, String who) {
        this.upstream = new GatewayUpstream(Duration.ofSeconds(10), Duration.ofMinutes(10));
        GatewayExchange exchange = new GatewayExchange(tokens, secrets, endpoints, usage, budgets, upstream, who);
        this.sockets = new SandboxSockets(SOCKET, socketDirs, exchange::serve, "oc-gateway");
    }

    /** The sessions' budget checks, made before each counted upstream call. */
    public GatewayBudgets budgets() {
        return budgets;
    }

    /** Whether sandboxes have socket directories here (else ACP runtimes cannot reach a model). */
    public boolean available(SandboxId sandbox) {
        return sockets.available(sandbox);
    }

    /**
     * Serves the gateway on {@code sandbox}'s socket until every handle opened for it is closed.
     * A stale socket left by a crashed process is replaced.
     *
     * @throws IllegalStateException when no socket directory is configured
     */
    public AutoCloseable serve(SandboxId sandbox) {
        return sockets.serve(sandbox);
    }

    @Override
    public void close() {
        sockets.close();
        upstream.close();
    }
}
