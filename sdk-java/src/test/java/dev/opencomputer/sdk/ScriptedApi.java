package dev.opencomputer.sdk;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on a free local port that answers requests from a script, in order, and
 * records what it received. An unscripted request gets a 599 so that a test notices it.
 */
public final class ScriptedApi implements AutoCloseable {

    /** A request as the server saw it. */
    public record Received(String method, String path, Headers headers, String body) {

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    private sealed interface Reply {
    }

    private record Answer(int status, String contentType, String body, Map<String, String> headers) implements Reply {
    }

    /** Closes the connection without answering, after the request was read. */
    private record Drop() implements Reply {
    }

    private final HttpServer server;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();

    private ScriptedApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static ScriptedApi start() {
        try {
            return new ScriptedApi();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** An OpenComputer client for this server with tiny backoff delays. */
    public OpenComputer client() {
        return OpenComputer.builder().apiKey("oc_test_key").baseUrl(uri())
                .retryDelays(java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(20)).build();
    }

    public synchronized ScriptedApi answer(int status, String json, Map<String, String> headers) {
        script.add(new Answer(status, status >= 400 ? "application/problem+json" : "application/json", json, headers));
        return this;
    }

    public ScriptedApi answer(int status, String json) {
        return answer(status, json, Map.of());
    }

    public synchronized ScriptedApi answerRaw(int status, String contentType, String body) {
        script.add(new Answer(status, contentType, body, Map.of()));
        return this;
    }

    public synchronized ScriptedApi drop() {
        script.add(new Drop());
        return this;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        synchronized (this) {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), new String(exchange.getRequestBody().readAllBytes(),
                            StandardCharsets.UTF_8)));
            reply = script.poll();
        }
        if (reply instanceof Drop) {
            // Throwing from a handler makes the JDK server close the connection without an answer.
            throw new IOException("dropping the connection on purpose");
        }
        var answer = reply instanceof Answer a ? a
                : new Answer(599, "text/plain", "unscripted request", Map.of());
        byte[] body = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        if (body.length > 0) {
            exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        }
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
