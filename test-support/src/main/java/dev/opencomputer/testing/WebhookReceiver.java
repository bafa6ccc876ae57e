package dev.opencomputer.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 that receives webhooks: it records every request (headers,
 * body, time) and answers with scripted responses in order, then with the default (200). Not a
 * mock: the dispatcher talks to it over TCP like to any backend.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One received request; header names are lower case. */
    public record Received(String path, Map<String, List<String>> headers, String body, Instant at) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    /** A scripted answer: status, extra headers, body, and how long to wait before answering. */
    public record Answer(int status, Map<String, String> headers, String body, Duration delay) {

        public static Answer status(int status) {
            return new Answer(status, Map.of(), "", Duration.ZERO);
        }

        public Answer withHeader(String name, String value) {
            Map<String, String> all = new TreeMap<>(headers);
            all.put(name, value);
            return new Answer(status, all, body, delay);
        }

        public Answer withBody(String text) {
            return new Answer(status, headers, text, delay);
        }

        public Answer after(Duration wait) {
            return new Answer(status, headers, body, wait);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Answer fallback = Answer.status(200);
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxOpen = new java.util.concurrent.atomic.AtomicInteger();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts on a free port of 127.0.0.1 (or {@code port} when not 0). */
    public static WebhookReceiver start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                receiver.maxOpen.accumulateAndGet(receiver.open.incrementAndGet(), Math::max);
                // "open" until answered: the client may send its next request the moment the answer is out
                boolean[] answered = {false};
                try (exchange; InputStream in = exchange.getRequestBody()) {
                    String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    Map<String, List<String>> headers = new TreeMap<>();
                    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                            List.copyOf(v)));
                    receiver.received.add(new Received(exchange.getRequestURI().getPath(), headers, body, Instant.now()));
                    Answer answer = receiver.script.poll();
                    if (answer == null) {
                        answer = receiver.fallback;
                    }
                    if (!answer.delay().isZero()) {
                        try {
                            Thread.sleep(answer.delay());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                    answered[0] = true;
                    receiver.open.decrementAndGet();
                    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
                    if (bytes.length > 0) {
                        exchange.getResponseBody().write(bytes);
                    }
                } finally {
                    if (!answered[0]) {
                        receiver.open.decrementAndGet();
                    }
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a webhook receiver", e);
        }
    }

    public static WebhookReceiver start() {
        return start(0);
    }

    /** {@code http://127.0.0.1:<port>} + {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers the next requests with these, in order. */
    public WebhookReceiver answer(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    /** Answers every request beyond the script with this. */
    public WebhookReceiver otherwise(Answer answer) {
        fallback = answer;
        return this;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** The most requests this receiver has had open at once. */
    public int maxConcurrent() {
        return maxOpen.get();
    }

    /** Requests received for {@code path}. */
    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
