package dev.opencomputer.brain.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's HTTP/1.1 client against real local HTTP servers: framing, keep-alive, a stale pooled connection. */
class GatewayUpstreamTest {

    private final GatewayUpstream upstream = new GatewayUpstream(Duration.ofSeconds(5), Duration.ofSeconds(10));
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private HttpServer server;

    @AfterEach
    void stop() {
        upstream.close();
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/chunked", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] request = exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("content-type", "text/event-stream");
            exchange.getResponseHeaders().add("x-seen", exchange.getRequestHeaders().getFirst("x-api-key") + " "
                    + request.length);
            exchange.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 3; i++) {
                    out.write(("data: " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        });
        server.createContext("/fixed", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(429, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private record Answer(int status, List<Map.Entry<String, String>> headers, String body, int pieces) {
    }

    private Answer post(URI uri, String body) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int[] status = new int[1];
        int[] pieces = new int[1];
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        upstream.post(uri, List.of(Map.entry("x-api-key", "sk-test"), Map.entry("content-type", "application/json")),
                body.getBytes(StandardCharsets.UTF_8), new GatewayUpstream.Sink() {
                    @Override
                    public void head(int code, List<Map.Entry<String, String>> responseHeaders) {
                        status[0] = code;
                        headers.addAll(responseHeaders);
                    }

                    @Override
                    public void data(byte[] buffer, int length, boolean more) {
                        received.write(buffer, 0, length);
                        pieces[0]++;
                    }
                });
        return new Answer(status[0], headers, received.toString(StandardCharsets.UTF_8), pieces[0]);
    }

    @Test
    void aChunkedStreamArrivesDecodedAndTheConnectionIsKeptForTheNextCall() throws Exception {
        URI base = serve();
        Answer first = post(base.resolve("/chunked"), "{\"model\":\"m\"}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("data: 0\n\ndata: 1\n\ndata: 2\n\n");
        assertThat(GatewayUpstream.header(first.headers(), "x-seen")).isEqualTo("sk-test 13");
        assertThat(GatewayUpstream.header(first.headers(), "content-type")).isEqualTo("text/event-stream");
        assertThat(upstream.idleConnections(base)).isEqualTo(1);

        Answer fixed = post(base.resolve("/fixed"), "{}");
        assertThat(fixed.status()).isEqualTo(429);
        assertThat(fixed.body()).isEqualTo("{\"ok\":true}");
        assertThat(clientPorts).as("both calls on one kept-alive connection").hasSize(1);
        assertThat(upstream.idleConnections(base)).isEqualTo(1);
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedOnceAndTheCallSucceeds() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    for (int call = 0; call < 2; call++) {
                        try (Socket socket = listener.accept()) {
                            InputStream in = socket.getInputStream();
                            readRequest(in);
                            byte[] body = ("call " + call).getBytes(StandardCharsets.UTF_8);
                            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-length: " + body.length
                                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                            socket.getOutputStream().write(body);
                            socket.getOutputStream().flush();
                            // then the server closes the connection the client keeps alive
                        }
                    }
                } catch (IOException ignored) {
                    // the test ends
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/v1/messages");
            assertThat(post(uri, "{}").body()).isEqualTo("call 0");
            Thread.sleep(100); // the close has reached the client's side
            assertThat(post(uri, "{}").body()).as("retried on a fresh connection").isEqualTo("call 1");
        }
    }

    @Test
    void nobodyListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThatThrownBy(() -> post(URI.create("http://127.0.0.1:" + port + "/v1/messages"), "{}"))
                .isInstanceOf(GatewayUpstream.Unreachable.class);
    }

    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length: ");
        int length = Integer.parseInt(lower.substring(at + 16, lower.indexOf("\r\n", at)).strip());
        in.readNBytes(length);
    }
}
