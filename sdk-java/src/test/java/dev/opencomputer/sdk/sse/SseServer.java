package dev.opencomputer.sdk.sse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real SSE endpoint ({@code GET /stream}) over a fixed log of events with ids 1..n that honours
 * {@code Last-Event-ID}. What each connection does is scripted: send some events and then end
 * cleanly, break off abruptly when the test says so, or fall silent; answer an error status; or serve the rest of the log and
 * keep the connection open with heartbeat comments.
 */
final class SseServer implements AutoCloseable {

    /** One connection as the server saw it; {@code endedNanos} is 0 while it is open. */
    record Connection(String lastEventId, long startedNanos, long endedNanos) {
    }

    sealed interface Plan {
    }

    /** Sends up to {@code count} events; then ends the response, breaks the connection, or stops writing. */
    record Send(int count, Ending ending) implements Plan {
    }

    enum Ending { CLOSE, BREAK_WHEN_RELEASED, SILENCE }

    /** Answers {@code status} with a body and headers instead of a stream. */
    record Refuse(int status, String body, String retryAfter) implements Plan {
    }

    /** Sends {@code count} events, then a final {@code event: error} with {@code problem}. */
    record Fail(int count, String problem) implements Plan {
    }

    private final HttpServer server;
    private final List<String> events;
    private final String preamble;
    private final Deque<Plan> plans = new ArrayDeque<>();
    private final List<Connection> connections = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger heartbeats = new java.util.concurrent.atomic.AtomicInteger();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final java.util.concurrent.Semaphore releases = new java.util.concurrent.Semaphore(0);

    /**
     * @param events   the data of events 1..n; their type is the JSON's {@code kind}
     * @param preamble written first on every connection, e.g. {@code "retry: 50\n\n"}
     */
    SseServer(List<String> events, String preamble) throws IOException {
        this.events = List.copyOf(events);
        this.preamble = preamble;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/stream", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized SseServer then(Plan plan) {
        plans.add(plan);
        return this;
    }

    /** Lets one connection waiting in {@link Ending#BREAK_WHEN_RELEASED} break off. */
    void release() {
        releases.release();
    }

    /** Heartbeat comments sent so far, over all connections. */
    int heartbeats() {
        return heartbeats.get();
    }

    synchronized List<Connection> connections() {
        return List.copyOf(connections);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String lastId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        long started = System.nanoTime();
        Plan plan;
        int index;
        synchronized (this) {
            plan = plans.poll();
            index = connections.size();
            connections.add(new Connection(lastId, started, 0));
        }
        try {
            serve(exchange, lastId, plan == null ? new Send(Integer.MAX_VALUE, null) : plan);
        } finally {
            synchronized (this) {
                connections.set(index, new Connection(lastId, started, System.nanoTime()));
            }
        }
    }

    private void serve(HttpExchange exchange, String lastId, Plan plan) throws IOException {
        if (plan instanceof Refuse refuse) {
            byte[] body = refuse.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            if (refuse.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", refuse.retryAfter());
            }
            exchange.sendResponseHeaders(refuse.status(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        write(out, preamble);
        int next = lastId == null ? 0 : Integer.parseInt(lastId);
        int count = plan instanceof Send send ? send.count() : ((Fail) plan).count();
        for (int sent = 0; sent < count && next < events.size(); sent++, next++) {
            String data = events.get(next);
            String kind = data.replaceAll(".*\"kind\":\"([^\"]+)\".*", "$1");
            write(out, "id: " + (next + 1) + "\nevent: " + kind + "\ndata: " + data + "\n\n");
        }
        if (plan instanceof Fail fail) {
            write(out, "event: error\ndata: " + fail.problem() + "\n\n");
            exchange.close();
            return;
        }
        Ending ending = ((Send) plan).ending();
        if (ending == Ending.CLOSE) {
            exchange.close();
        } else if (ending == Ending.BREAK_WHEN_RELEASED) {
            try {
                releases.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Throwing makes the JDK server drop the socket without the final chunk: an abrupt break.
            throw new IOException("breaking the connection on purpose");
        } else if (ending == Ending.SILENCE) {
            awaitStop(Long.MAX_VALUE);
        } else {
            try {
                while (!awaitStop(50)) {
                    write(out, ": heartbeat\n\n");
                    heartbeats.incrementAndGet();
                }
            } catch (IOException clientWentAway) {
                // the client closed the stream
            }
        }
    }

    private boolean awaitStop(long millis) {
        try {
            return stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        stopping.countDown();
        releases.release(100);
        server.stop(0);
    }
}
