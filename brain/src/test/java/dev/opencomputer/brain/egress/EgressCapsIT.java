package dev.opencomputer.brain.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The proxy's caps against real sockets: a client on the sandbox's Unix socket (where the forwarder
 * would be), a local HTTP server upstream. Over a cap a session gets refusals, and the proxy goes on.
 */
class EgressCapsIT {

    private final Path sockets;
    private final HttpServer upstream;
    private final SandboxId sandbox = SandboxId.next(Instant.now());
    private final List<NetworkRequest> logged = new CopyOnWriteArrayList<>();
    private EgressProxy proxy;

    EgressCapsIT() throws IOException {
        sockets = Files.createTempDirectory("oc-egress-caps-");
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] big = new byte[256 * 1024];
        upstream.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, big.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(big);
            } catch (IOException e) {
                // the proxy cut the connection
            }
        });
        upstream.createContext("/small", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("ok".getBytes());
            }
        });
        upstream.start();
    }

    @AfterEach
    void close() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.stop(0);
    }

    private EgressSession serve(int maxConnections, DataSize maxBytes) {
        return serve(maxConnections, maxBytes, null);
    }

    private EgressSession serve(int maxConnections, DataSize maxBytes, DataSize maxBytesPerSecond) {
        EgressProperties properties = new EgressProperties(false, null, null, null, List.of("127.0.0.1/32"),
                Map.of("up.test", "127.0.0.1"), maxConnections, maxBytes, maxBytesPerSecond, null, null,
                Duration.ofMillis(100), null);
        proxy = new EgressProxy(id -> Optional.of(sockets.resolve(id.value())), properties,
                properties.rules(Set.of(), Set.of()), HostResolver.system(properties.hosts()));
        EgressSession session = new EgressSession(SessionId.next(Instant.now()), NetworkPolicy.parse("allowlist",
                List.of("up.test:" + upstream.getAddress().getPort())), 0, properties, logged::addAll);
        proxy.serve(sandbox, session);
        return session;
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(sockets.resolve(sandbox.value()).resolve(EgressProxy.SOCKET)));
        return channel;
    }

    /** Sends {@code head} and reads the whole answer until the proxy closes. */
    private String exchange(String head) throws IOException {
        try (SocketChannel channel = connect()) {
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            return readAll(channel);
        }
    }

    private static String readAll(SocketChannel channel) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            text.append(StandardCharsets.ISO_8859_1.decode(buffer));
            buffer.clear();
        }
        return text.toString();
    }

    private String get(String path) throws IOException {
        String url = "http://up.test:" + upstream.getAddress().getPort() + path;
        return exchange("GET " + url + " HTTP/1.1\r\nHost: up.test\r\n\r\n");
    }

    @Test
    void aSessionPastItsTransferCapIsCutAndThenRefused() throws Exception {
        serve(8, DataSize.ofKilobytes(64));
        String first = get("/big");
        assertThat(first.length()).isLessThan(256 * 1024);
        String second = get("/small");
        assertThat(second).startsWith("HTTP/1.1 403").contains("used up its network transfer cap");
        Await.until(Duration.ofSeconds(10), "two network.request events", () -> logged.size() >= 2);
        // the cut connection is logged when it has closed, which may be after the refusal of the second
        assertThat(logged).filteredOn(NetworkRequest::allowed).singleElement()
                .satisfies(cut -> assertThat(cut.reason()).contains("transfer cap"));
        assertThat(logged).filteredOn(r -> !r.allowed()).singleElement()
                .satisfies(refused -> assertThat(refused.reason()).contains("transfer cap"));
    }

    @Test
    void aSessionOverItsBandwidthIsSlowedDownNotRefused() throws Exception {
        serve(8, null, DataSize.ofKilobytes(256));
        long t0 = System.nanoTime();
        String first = get("/big"); // the burst, a quarter of a second's worth, then 256 KB/s
        String second = get("/big");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(first).startsWith("HTTP/1.1 200");
        assertThat(second).startsWith("HTTP/1.1 200");
        assertThat(first.length() + second.length()).isGreaterThan(2 * 256 * 1024);
        assertThat(millis).as("512 KB at 256 KB/s with a 64 KB burst").isGreaterThan(1500);
    }

    @Test
    void aConnectionThatNeverFinishesItsRequestIsClosed() throws Exception {
        serve(8, null);
        try (SocketChannel idle = connect()) {
            idle.write(ByteBuffer.wrap("GET http://up.test/ HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            long t0 = System.nanoTime();
            assertThat(idle.read(ByteBuffer.allocate(16))).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(30));
        }
    }

    @Test
    void aSessionAtItsConnectionCapGetsRefusalsUntilOneCloses() throws Exception {
        serve(1, null);
        try (SocketChannel tunnel = connect()) {
            tunnel.write(ByteBuffer.wrap(("CONNECT up.test:" + upstream.getAddress().getPort()
                    + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            ByteBuffer established = ByteBuffer.allocate(64);
            tunnel.read(established);
            assertThat(new String(established.array(), 0, established.position())).startsWith("HTTP/1.1 200");

            assertThat(get("/small")).startsWith("HTTP/1.1 403").contains("1 connections open");
        }
        Await.until(Duration.ofSeconds(10), "the tunnel's slot freed", () -> {
            try {
                return get("/small").startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        });
        Await.until(Duration.ofSeconds(10), "the events", () -> logged.stream().anyMatch(r -> !r.allowed()));
        assertThat(logged).filteredOn(r -> !r.allowed()).first()
                .satisfies(r -> assertThat(r.reason()).contains("connections open"));
    }
}
