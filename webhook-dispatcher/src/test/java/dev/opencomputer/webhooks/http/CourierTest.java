package dev.opencomputer.webhooks.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.webhooks.DeliveryAttempt;
import dev.opencomputer.webhooks.Signatures;
import dev.opencomputer.webhooks.UrlGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The courier's HTTP/1.1 against a raw socket peer on loopback that answers exactly the bytes a
 * test gives it: lengths, chunks, closes, silence.
 */
class CourierTest {

    private final UrlGuard local = new UrlGuard(true, List.of("127.0.0.0/8"));
    private final List<Signatures.Key> keys = List.of(Signatures.Key.of(new byte[32]));
    private Peer peer;
    private Courier courier;

    @AfterEach
    void close() throws IOException {
        if (courier != null) {
            courier.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void aLengthDelimitedAnswerKeepsTheConnectionAndTheRequestCarriesTheSignedHeaders() throws Exception {
        peer = new Peer(request -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
        courier = new Courier(local, Duration.ofSeconds(5), 4, 4, Clock.systemUTC());
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            DeliveryAttempt attempt = courier.post(peer.url("/hook?x=1"), "msg_1", body, keys, 1).attempt();
            assertThat(attempt.statusCode()).isEqualTo(200);
            assertThat(attempt.response()).isEqualTo("ok");
            assertThat(attempt.error()).isNull();
        }
        assertThat(peer.connections.get()).isEqualTo(1);
        String request = peer.requests.take();
        assertThat(request).startsWith("POST /hook?x=1 HTTP/1.1\r\n");
        String lower = request.toLowerCase(Locale.ROOT);
        assertThat(lower).contains("\r\nhost: 127.0.0.1:" + peer.port() + "\r\n").contains("\r\nwebhook-id: msg_1\r\n")
                .contains("\r\nwebhook-timestamp: ").contains("\r\nwebhook-signature: v1,")
                .contains("\r\ncontent-length: 7\r\n").endsWith("\r\n\r\n{\"a\":1}");
    }

    @Test
    void aChunkedAnswerIsReadWholeWithTrailersAndTheConnectionReused() throws Exception {
        peer = new Peer(request -> "HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\nRetry-After: 7\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n", false);
        courier = new Courier(local, Duration.ofSeconds(5), 4, 4, Clock.systemUTC());
        for (int i = 0; i < 2; i++) {
            Courier.Outcome outcome = courier.post(peer.url("/"), "msg_2", new byte[0], keys, 1);
            assertThat(outcome.attempt().statusCode()).isEqualTo(503);
            assertThat(outcome.attempt().response()).isEqualTo("abcde");
            assertThat(outcome.attempt().error()).isEqualTo("answered 503");
            assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        }
        assertThat(peer.connections.get()).isEqualTo(1);
    }

    @Test
    void aRedirectIsAFailureAndAnInterimAnswerIsSkipped() throws Exception {
        peer = new Peer(request -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\nLocation: http://10.0.0.1/\r\n"
                + "Content-Length: 0\r\n\r\n", false);
        courier = new Courier(local, Duration.ofSeconds(5), 4, 4, Clock.systemUTC());
        DeliveryAttempt attempt = courier.post(peer.url("/"), "msg_3", new byte[1], keys, 2).attempt();
        assertThat(attempt.statusCode()).isEqualTo(302);
        assertThat(attempt.error()).contains("redirects are not followed");
        assertThat(attempt.attempt()).isEqualTo(2);
    }

    @Test
    void aClosedOrCloseDelimitedAnswerOpensANewConnectionNextTime() throws Exception {
        peer = new Peer(request -> "HTTP/1.0 200 OK\r\n\r\n" + "x".repeat(3000), true);
        courier = new Courier(local, Duration.ofSeconds(5), 4, 4, Clock.systemUTC());
        for (int i = 0; i < 2; i++) {
            DeliveryAttempt attempt = courier.post(peer.url("/"), "msg_4", new byte[0], keys, 1).attempt();
            assertThat(attempt.statusCode()).isEqualTo(200);
            assertThat(attempt.response()).hasSize(Courier.RESPONSE_KEPT);
        }
        assertThat(peer.connections.get()).isEqualTo(2);
    }

    @Test
    void aKeptConnectionThePeerClosedMeanwhileIsReplacedWithoutAFailedAttempt() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        // answers keep-alive, then closes the connection right after the answer: the next request finds it dead
        peer = new Peer(request -> {
            answered.incrementAndGet();
            return "HTTP/1.1 204 No Content\r\n\r\n";
        }, true);
        courier = new Courier(local, Duration.ofSeconds(5), 4, 4, Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                assertThat(peer.closed.tryAcquire(5, TimeUnit.SECONDS)).isTrue(); // the peer's close came first
            }
            DeliveryAttempt attempt = courier.post(peer.url("/"), "msg_5", new byte[0], keys, 1).attempt();
            assertThat(attempt.statusCode()).isEqualTo(204);
            assertThat(attempt.error()).isNull();
        }
        assertThat(answered.get()).isEqualTo(3);
    }

    @Test
    void aSilentReceiverRunsIntoTheTimeout() throws Exception {
        peer = new Peer(request -> null, false);
        courier = new Courier(local, Duration.ofMillis(300), 4, 4, Clock.systemUTC());
        long started = System.nanoTime();
        DeliveryAttempt attempt = courier.post(peer.url("/"), "msg_6", new byte[0], keys, 1).attempt();
        assertThat(attempt.statusCode()).isNull();
        assertThat(attempt.error()).isEqualTo("no answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }

    @Test
    void aHostTheGuardRefusesIsNotConnectedTo() throws Exception {
        peer = new Peer(request -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
        courier = new Courier(new UrlGuard(true, List.of()), Duration.ofSeconds(5), 4, 4, Clock.systemUTC());
        DeliveryAttempt attempt = courier.post(peer.url("/"), "msg_7", new byte[0], keys, 1).attempt();
        assertThat(attempt.statusCode()).isNull();
        assertThat(attempt.error()).contains("SSRF").contains("loopback");
        assertThat(peer.connections.get()).isZero();
    }

    /** A loopback peer: reads each request (head and Content-Length body), writes what the test says. */
    private static final class Peer implements AutoCloseable {

        final ServerSocket server;
        final AtomicInteger connections = new AtomicInteger();
        /** A permit per connection the peer closed. */
        final Semaphore closed = new Semaphore(0);
        final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

        Peer(Function<String, String> answer, boolean closeAfter) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(socket, answer, closeAfter));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket socket, Function<String, String> answer, boolean closeAfter) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                while (true) {
                    String request = read(in);
                    if (request == null) {
                        return;
                    }
                    requests.add(request);
                    String reply = answer.apply(request);
                    if (reply == null) {
                        in.read(); // silent until the client gives up
                        return;
                    }
                    out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfter) {
                        return;
                    }
                }
            } catch (IOException ignored) {
                // the client went away
            } finally {
                closed.release();
            }
        }

        private static String read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == '\r' || b == '\n') && (matched % 2 == 0 ? b == '\r' : b == '\n') ? matched + 1
                        : b == '\r' ? 1 : 0;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
