package dev.opencomputer.brain.gateway;

import dev.opencomputer.brain.ModelEndpoint;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.session.SandboxId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model gateway of one brain process: serves {@value #SOCKET} in the socket directory of each
 * sandbox whose agent it runs (the directory is mounted read-only into the sandbox at
 * {@code /run/opencomputer}; a forwarder in the image exposes it on the sandbox's loopback, so
 * a sandbox with {@code network: none} reaches it and nothing else). Each connection is served on
 * its own virtual thread by {@link GatewayExchange}. Thread-safe.
 */
public final class ModelGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelGateway.class);
    /** The socket's file name in a sandbox's socket directory. */
    public static final String SOCKET = "model.sock";

    private final Function<SandboxId, Optional<Path>> socketDirs;
    private final GatewayExchange exchange;
    private final HttpClient upstream;
    private final Map<SandboxId, Served> served = new HashMap<>();
    private final GatewayBudgets budgets = new GatewayBudgets();

    /**
     * @param socketDirs the host directory of a sandbox's sockets, empty when none is configured
     * @param endpoints  where each provider's calls go upstream (the provider, or the scripted model server)
     * @param who        who reveals keys, for the secret store's audit trail ({@code gateway:<worker>})
     */
    public ModelGateway(Function<SandboxId, Optional<Path>> socketDirs, GatewayTokens tokens, SecretStore secrets,
            Function<ModelProvider, ModelEndpoint> endpoints, GatewayUsage usage, String who) {
        this.socketDirs = socketDirs;
        this.upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.exchange = new GatewayExchange(tokens, secrets, endpoints, usage, budgets, upstream, who);
    }

    /** The sessions' budget checks, made before each counted upstream call. */
    public GatewayBudgets budgets() {
        return budgets;
    }

    /** Whether sandboxes have socket directories here (else ACP runtimes cannot reach a model). */
    public boolean available(SandboxId sandbox) {
        return socketDirs.apply(sandbox).isPresent();
    }

    /**
     * Serves the gateway on {@code sandbox}'s socket until every handle opened for it is closed.
     * A stale socket left by a crashed process is replaced.
     *
     * @throws IllegalStateException when no socket directory is configured
     */
    public synchronized AutoCloseable serve(SandboxId sandbox) {
        Served current = served.get(sandbox);
        if (current == null || !current.server.isOpen()) {
            current = new Served(sandbox, bind(sandbox));
            served.put(sandbox, current);
            Served listening = current;
            Thread.ofVirtual().name("oc-gateway-" + sandbox).start(() -> accept(listening));
        }
        current.users++;
        Served handle = current;
        return () -> release(handle);
    }

    private ServerSocketChannel bind(SandboxId sandbox) {
        Path dir = socketDirs.apply(sandbox).orElseThrow(() -> new IllegalStateException(
                "no socket directory is configured (opencomputer.sandbox.socket-dir): ACP agents cannot reach a model"));
        Path socket = dir.resolve(SOCKET);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            socket.toFile().setWritable(true, false);
            socket.toFile().setReadable(true, false);
            log.debug("model gateway serves {}", socket);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the model gateway at " + socket, e);
        }
    }

    private synchronized void release(Served handle) {
        if (--handle.users > 0) {
            return;
        }
        if (served.get(handle.sandbox) == handle) {
            served.remove(handle.sandbox);
        }
        close(handle);
    }

    private void accept(Served served) {
        while (served.server.isOpen()) {
            SocketChannel connection;
            try {
                connection = served.server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("model gateway of {} stopped accepting: {}", served.sandbox, e.toString());
                return;
            }
            Thread.ofVirtual().name("oc-gateway-conn-" + served.sandbox)
                    .start(() -> exchange.serve(served.sandbox, connection));
        }
    }

    private void close(Served handle) {
        try {
            handle.server.close();
            socketDirs.apply(handle.sandbox).ifPresent(dir -> {
                try {
                    Files.deleteIfExists(dir.resolve(SOCKET));
                } catch (IOException e) {
                    log.debug("cannot remove the gateway socket of {}: {}", handle.sandbox, e.toString());
                }
            });
        } catch (IOException e) {
            log.debug("closing the gateway of {}: {}", handle.sandbox, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        served.values().forEach(this::close);
        served.clear();
        upstream.close();
    }

    private static final class Served {
        final SandboxId sandbox;
        final ServerSocketChannel server;
        int users;

        Served(SandboxId sandbox, ServerSocketChannel server) {
            this.sandbox = sandbox;
            this.server = server;
        }
    }
}
