package dev.opencomputer.brain.sockets;

import dev.opencomputer.session.SandboxId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's Unix socket ({@code socket}, a file name) in the socket directory of each sandbox
 * that needs it: the directory is mounted read-only into the sandbox at {@code /run/opencomputer},
 * where the forwarder in the image ({@code oc-forward.js}) exposes the socket on a loopback port, so
 * a sandbox with {@code network: none} reaches this service and nothing else. The socket is bound
 * while at least one handle of {@link #serve} is open; each connection is handed to {@code handler}
 * on its own virtual thread (the handler closes it). Thread-safe.
 */
public final class SandboxSockets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SandboxSockets.class);

    private final String socket;
    private final Function<SandboxId, Optional<Path>> socketDirs;
    private final BiConsumer<SandboxId, SocketChannel> handler;
    private final String threadName;
    private final Map<SandboxId, Served> served = new HashMap<>();

    /**
     * @param socket     the socket's file name in a sandbox's socket directory ({@code model.sock})
     * @param socketDirs the host directory of a sandbox's sockets, empty when none is configured
     * @param handler    serves one connection from the sandbox
     * @param threadName the prefix of the threads' names ({@code oc-gateway})
     */
    public SandboxSockets(String socket, Function<SandboxId, Optional<Path>> socketDirs,
            BiConsumer<SandboxId, SocketChannel> handler, String threadName) {
        this.socket = socket;
        this.socketDirs = socketDirs;
        this.handler = handler;
        this.threadName = threadName;
    }

    /** Whether sandboxes have socket directories here (else nothing can be served to them). */
    public boolean available(SandboxId sandbox) {
        return socketDirs.apply(sandbox).isPresent();
    }

    /** The host directory of {@code sandbox}'s sockets, if one is configured. */
    public Optional<Path> directory(SandboxId sandbox) {
        return socketDirs.apply(sandbox);
    }

    /**
     * Serves the socket of {@code sandbox} until every handle opened for it is closed. A stale socket
     * left by a crashed process is replaced.
     *
     * @throws IllegalStateException when no socket directory is configured
     */
    public synchronized AutoCloseable serve(SandboxId sandbox) {
        Served current = served.get(sandbox);
        if (current == null || !current.server.isOpen()) {
            current = new Served(sandbox, bind(sandbox));
            served.put(sandbox, current);
            Served listening = current;
            Thread.ofVirtual().name(threadName + "-" + sandbox).start(() -> accept(listening));
        }
        current.users++;
        Served handle = current;
        return () -> release(handle);
    }

    private ServerSocketChannel bind(SandboxId sandbox) {
        Path dir = socketDirs.apply(sandbox).orElseThrow(() -> new IllegalStateException(
                "no socket directory is configured (opencomputer.sandbox.socket-dir): a sandbox cannot reach " + socket));
        Path path = dir.resolve(socket);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            path.toFile().setWritable(true, false);
            path.toFile().setReadable(true, false);
            log.debug("serving {}", path);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + path, e);
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
                log.warn("{} of {} stopped accepting: {}", socket, served.sandbox, e.toString());
                return;
            }
            Thread.ofVirtual().name(threadName + "-conn-" + served.sandbox)
                    .start(() -> handler.accept(served.sandbox, connection));
        }
    }

    private void close(Served handle) {
        try {
            handle.server.close();
            socketDirs.apply(handle.sandbox).ifPresent(dir -> {
                try {
                    Files.deleteIfExists(dir.resolve(socket));
                } catch (IOException e) {
                    log.debug("cannot remove {} of {}: {}", socket, handle.sandbox, e.toString());
                }
            });
        } catch (IOException e) {
            log.debug("closing {} of {}: {}", socket, handle.sandbox, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        served.values().forEach(this::close);
        served.clear();
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
