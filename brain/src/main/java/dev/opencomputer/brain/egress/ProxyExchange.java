package dev.opencomputer.brain.egress;

import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SandboxId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection from a sandbox: reads the request's head, checks it against the policies of
 * the sessions on the sandbox and the address it resolves to against the operator's rules, then
 * tunnels ({@code CONNECT}) or forwards (plain HTTP) it and pipes bytes both ways, counting them; a
 * refusal is a {@code 403} whose body says why. Either way the sessions get a
 * {@link NetworkRequest}.
 */
final class ProxyExchange {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);
    private static final int MAX_HEAD = 16 * 1024;
    private static final int BUFFER = 256 * 1024;
    private static final java.time.Duration HEAD_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final Function<SandboxId, List<EgressSession>> sessions;
    private final AddressRules rules;
    private final HostResolver resolver;
    private final int connectTimeoutMs;
    private final long idleTimeoutNanos;

    ProxyExchange(Function<SandboxId, List<EgressSession>> sessions, AddressRules rules, HostResolver resolver,
            EgressProperties properties) {
        this.sessions = sessions;
        this.rules = rules;
        this.resolver = resolver;
        this.connectTimeoutMs = (int) Math.min(Integer.MAX_VALUE, properties.connectTimeout().toMillis());
        this.idleTimeoutNanos = properties.idleTimeout().toNanos();
    }

    void serve(SandboxId sandbox, SocketChannel client) {
        long started = System.nanoTime();
        try (client) {
            ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
            // a connection that never finishes its head is closed: it would hold a thread and a socket forever
            Thread deadline = Thread.ofVirtual().name("oc-egress-head").start(() -> {
                try {
                    Thread.sleep(HEAD_TIMEOUT);
                    client.close();
                } catch (InterruptedException | IOException e) {
                    // the head arrived in time, or the connection is gone
                }
            });
            int end;
            try {
                end = readHead(client, head);
            } finally {
                deadline.interrupt();
            }
            if (end < 0) {
                if (head.position() > 0) {
                    reply(client, 400, "Bad Request", "the request head is incomplete or longer than 16 KB");
                }
                return;
            }
            ProxyRequest request;
            try {
                request = ProxyRequest.parse(new String(head.array(), 0, end, StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                reply(client, 400, "Bad Request", e.getMessage());
                return;
            }
            List<EgressSession> on = sessions.apply(sandbox);
            if (on.isEmpty()) {
                reply(client, 403, "Forbidden", "no session of this sandbox is running");
                return;
            }
            List<EgressSession> admitted = new ArrayList<>();
            try {
                for (EgressSession session : on) {
                    Optional<String> refused = session.admit(request.host(), request.port());
                    if (refused.isPresent()) {
                        refuse(client, on, request, null, refused.get(), started);
                        return;
                    }
                    admitted.add(session);
                }
                connect(client, head, end, request, admitted, started);
            } finally {
                admitted.forEach(EgressSession::finished);
            }
        } catch (IOException e) {
            log.debug("egress connection of {} ended: {}", sandbox, e.toString());
        }
    }

    private void connect(SocketChannel client, ByteBuffer head, int end, ProxyRequest request,
            List<EgressSession> on, long started) throws IOException {
        InetAddress target = null;
        InetAddress lastRefused = null;
        String why = null;
        try {
            for (InetAddress address : resolver.resolve(request.host())) {
                Optional<String> refused = rules.refusal(address, request.port());
                if (refused.isEmpty()) {
                    target = address;
                    break;
                }
                lastRefused = address;
                why = refused.get();
            }
        } catch (UnknownHostException e) {
            why = "cannot resolve " + request.host();
        }
        if (target == null) {
            refuse(client, on, request, lastRefused, why == null ? "cannot resolve " + request.host() : why, started);
            return;
        }
        try (SocketChannel upstream = SocketChannel.open()) {
            try {
                upstream.socket().connect(new InetSocketAddress(target, request.port()), connectTimeoutMs);
            } catch (IOException e) {
                String reason = "cannot connect to " + request.host() + ":" + request.port() + ": " + e.getMessage();
                reply(client, 502, "Bad Gateway", reason);
                record(on, request, true, 0, 0, started, target, reason);
                return;
            }
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            long out = 0;
            if (request.tunnel()) {
                write(client, "HTTP/1.1 200 Connection established\r\n\r\n");
            } else {
                byte[] rewritten = request.upstreamHead().getBytes(StandardCharsets.ISO_8859_1);
                writeFully(upstream, ByteBuffer.wrap(rewritten));
                out += rewritten.length;
            }
            int leftover = head.position() - end;
            if (leftover > 0) {
                writeFully(upstream, ByteBuffer.wrap(head.array(), end, leftover));
                out += leftover;
            }
            Pipe pipe = new Pipe(client, upstream, on, out);
            String cut = pipe.run();
            record(on, request, true, pipe.bytesOut.get(), pipe.bytesIn.get(), started, target, cut);
        }
    }

    private void refuse(SocketChannel client, List<EgressSession> on, ProxyRequest request, InetAddress address,
            String reason, long started) throws IOException {
        log.debug("egress refused {}:{}: {}", request.host(), request.port(), reason);
        record(on, request, false, 0, 0, started, address, reason);
        reply(client, 403, "Forbidden", reason);
    }

    private static void record(List<EgressSession> on, ProxyRequest request, boolean allowed, long out, long in,
            long started, InetAddress address, String reason) {
        NetworkRequest event = new NetworkRequest(request.host(), request.port(), allowed, out, in,
                (System.nanoTime() - started) / 1_000_000, request.method(),
                address == null ? null : AddressRules.plain(address).getHostAddress(), reason);
        on.forEach(session -> session.record(event));
    }

    /** Reads until the empty line ending the head; the index after it, or -1 at EOF or when too long. */
    private static int readHead(SocketChannel client, ByteBuffer head) throws IOException {
        int scanned = 0;
        while (head.hasRemaining()) {
            if (client.read(head) < 0) {
                return -1;
            }
            byte[] b = head.array();
            for (int i = Math.max(3, scanned); i < head.position(); i++) {
                if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                    return i + 1;
                }
            }
            scanned = head.position();
        }
        return -1;
    }

    private static void reply(SocketChannel client, int status, String phrase, String reason) throws IOException {
        byte[] body = ("opencomputer egress proxy: " + reason + "\n").getBytes(StandardCharsets.UTF_8);
        write(client, "HTTP/1.1 " + status + " " + phrase + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "X-OpenComputer-Egress: " + reason.replaceAll("[\\r\\n]", " ") + "\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
        writeFully(client, ByteBuffer.wrap(body));
    }

    private static void write(SocketChannel client, String text) throws IOException {
        writeFully(client, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Bytes both ways until both sides ended, a side broke, the connection idled out or a cap was
     * passed. Each direction copies through its own direct buffer, channel to channel (no heap copy,
     * no temporary direct buffer per write).
     */
    private final class Pipe {
        final SocketChannel client;
        final SocketChannel upstream;
        final List<EgressSession> on;
        final AtomicLong bytesOut;
        final AtomicLong bytesIn = new AtomicLong();
        volatile long lastActivity = System.nanoTime();
        volatile boolean closed;
        volatile String cut;

        Pipe(SocketChannel client, SocketChannel upstream, List<EgressSession> on, long alreadyOut) {
            this.client = client;
            this.upstream = upstream;
            this.on = on;
            this.bytesOut = new AtomicLong(alreadyOut);
            count(alreadyOut);
        }

        /** Pipes until done; the reason the connection was cut short, or null. */
        String run() {
            Thread outbound = Thread.ofVirtual().name("oc-egress-out").start(
                    () -> copy(client, upstream, bytesOut, true));
            Thread idle = Thread.ofVirtual().name("oc-egress-idle").start(this::watchIdle);
            copy(upstream, client, bytesIn, false);
            try {
                // the upstream side ended: the client has a moment to finish sending, not an idle timeout
                outbound.join(java.time.Duration.ofNanos(Math.min(idleTimeoutNanos, 10_000_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeAll();
            idle.interrupt();
            return cut;
        }

        private void copy(SocketChannel from, SocketChannel to, AtomicLong counter, boolean outward) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            try {
                while (true) {
                    buffer.clear();
                    int n = from.read(buffer);
                    if (n < 0) {
                        to.shutdownOutput();
                        return;
                    }
                    lastActivity = System.nanoTime();
                    buffer.flip();
                    writeFully(to, buffer);
                    counter.addAndGet(n);
                    if (!count(n)) {
                        return;
                    }
                    throttle(n);
                }
            } catch (IOException e) {
                if (outward) {
                    closeAll(); // the sandbox's side broke: nothing more will be asked for
                }
            }
        }

        /** Waits as long as the slowest of the sessions' bandwidths asks (each counts the bytes). */
        private void throttle(long n) {
            java.time.Duration wait = java.time.Duration.ZERO;
            for (EgressSession session : on) {
                java.time.Duration d = session.throttle(n);
                wait = d.compareTo(wait) > 0 ? d : wait;
            }
            if (!wait.isZero()) {
                lastActivity = System.nanoTime() + wait.toNanos(); // waiting is not idling
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void watchIdle() {
            long every = Math.max(1_000_000L, Math.min(idleTimeoutNanos / 4, 1_000_000_000L));
            while (!closed) {
                try {
                    Thread.sleep(java.time.Duration.ofNanos(every));
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - lastActivity > idleTimeoutNanos) {
                    cut = "idle for longer than the idle timeout";
                    closeAll();
                    return;
                }
            }
        }

        private boolean count(long n) {
            boolean within = true;
            for (EgressSession session : on) {
                within &= session.moved(n);
            }
            if (!within) {
                cut = "the session's network transfer cap is used up";
                closeAll();
            }
            return within;
        }

        private void closeAll() {
            closed = true;
            try {
                upstream.close();
            } catch (IOException e) {
                // closing
            }
            try {
                client.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
