package dev.opencomputer.brain.egress;

import dev.opencomputer.brain.sockets.SandboxSockets;
import dev.opencomputer.session.SandboxId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The egress proxy of one brain process: an HTTP proxy (plain requests and {@code CONNECT} tunnels,
 * no TLS interception) served on {@value #SOCKET} in the socket directory of each sandbox whose
 * session runs here, through the same {@link SandboxSockets} mechanism as the model gateway. Inside
 * the sandbox the forwarder exposes it on {@code 127.0.0.1:}{@value #PORT}, and the session's
 * commands get {@link #environment()}. A connection is let through only if every session running
 * on the sandbox allows its host and port ({@link EgressSession}) and the address the proxy
 * resolved passes the operator's {@link AddressRules}; each one becomes a {@code network.request}.
 * Thread-safe.
 */
public final class EgressProxy implements AutoCloseable {

    /** The socket's file name in a sandbox's socket directory. */
    public static final String SOCKET = "egress.sock";
    /** The loopback port of the forwarder inside the sandbox. */
    public static final int PORT = 4481;
    /** The proxy's URL inside the sandbox. */
    public static final String URL = "http://127.0.0.1:" + PORT;

    private final SandboxSockets sockets;
    private final Map<SandboxId, List<EgressSession>> sessions = new ConcurrentHashMap<>();

    /**
     * @param socketDirs the host directory of a sandbox's sockets, empty when none is configured
     * @param properties the operator's caps and timeouts
     * @param rules      the operator's address rules
     * @param resolver   how names become addresses
     */
    public EgressProxy(Function<SandboxId, Optional<Path>> socketDirs, EgressProperties properties, AddressRules rules,
            HostResolver resolver) {
        ProxyExchange exchange = new ProxyExchange(this::sessionsOn, rules, resolver, properties);
        this.sockets = new SandboxSockets(SOCKET, socketDirs, exchange::serve, "oc-egress");
    }

    /**
     * The variables that send a sandbox's HTTP clients (curl, git, npm, pip…) through the proxy; the
     * sandbox's own loopback (the model gateway's forwarder) is left out.
     */
    public static Map<String, String> environment() {
        String noProxy = "localhost,127.0.0.1,::1";
        return Map.of("HTTP_PROXY", URL, "HTTPS_PROXY", URL, "http_proxy", URL, "https_proxy", URL,
                "NO_PROXY", noProxy, "no_proxy", noProxy);
    }

    /** Whether sandboxes have socket directories here (else no sandbox can reach the proxy). */
    public boolean available(SandboxId sandbox) {
        return sockets.available(sandbox);
    }

    /** The host directory of {@code sandbox}'s sockets, if one is configured. */
    public Optional<Path> directory(SandboxId sandbox) {
        return sockets.directory(sandbox);
    }

    /**
     * Serves the proxy to {@code sandbox} for {@code session} until the handle is closed (which
     * flushes and closes {@code session} too).
     */
    public AutoCloseable serve(SandboxId sandbox, EgressSession session) {
        sessions.computeIfAbsent(sandbox, k -> new CopyOnWriteArrayList<>()).add(session);
        AutoCloseable socket;
        try {
            socket = sockets.serve(sandbox);
        } catch (RuntimeException e) {
            leave(sandbox, session);
            throw e;
        }
        return () -> {
            try {
                socket.close();
            } finally {
                leave(sandbox, session);
                session.close();
            }
        };
    }

    private void leave(SandboxId sandbox, EgressSession session) {
        sessions.computeIfPresent(sandbox, (k, list) -> {
            list.remove(session);
            return list.isEmpty() ? null : list;
        });
    }

    private List<EgressSession> sessionsOn(SandboxId sandbox) {
        return sessions.getOrDefault(sandbox, List.of());
    }

    @Override
    public void close() {
        sockets.close();
    }
}
