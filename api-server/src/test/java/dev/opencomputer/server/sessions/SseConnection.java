package dev.opencomputer.server.sessions;

import dev.opencomputer.testing.ThreadDumps;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A raw Server-Sent Events connection for tests: reads frames exactly as they are on the wire
 * (no client library between), on a virtual thread, and lets a test wait for them with a
 * deadline. Closing it closes the TCP connection, like a browser tab going away.
 */
final class SseConnection implements AutoCloseable {

    /** One SSE message: its fields as sent; {@code comments} holds the {@code :} lines. */
    record Frame(String id, String event, String data, String retry, List<String> comments) {
        boolean isStored() {
            return id != null;
        }

        long seq() {
            return Long.parseLong(id);
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final HttpResponse<InputStream> response;
    private final List<Frame> frames = new ArrayList<>();
    private final Thread reader;
    private boolean ended;
    private volatile boolean closed;

    private SseConnection(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /** How long a server may take to answer with the response headers. */
    static final Duration HEADERS = Duration.ofSeconds(30);

    /**
     * Opens {@code url} with the given headers; returns once the response headers arrived. A
     * server that does not answer within {@link #HEADERS} fails the test, after writing a dump of
     * every thread of this JVM (the server's included, virtual threads too) under {@code target/}.
     */
    static SseConnection open(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .timeout(HEADERS);
        headers.forEach(request::header);
        try {
            return new SseConnection(CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (HttpTimeoutException e) {
            String dump = ThreadDumps.write("sse-open");
            // the busy threads and the database's activity go into the message: a CI log shows them
            throw new AssertionError("no response headers for " + url + " within " + HEADERS + "; threads: " + dump
                    + "\n" + ThreadDumps.summary(dump), e);
        }
    }

    int status() {
        return response.statusCode();
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The whole body, for a response that is not a stream (e.g. a problem). */
    String body() throws IOException {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void read() {
        if (response.statusCode() != 200) {
            return;
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            String retry = null;
            StringBuilder data = null;
            List<String> comments = new ArrayList<>();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    add(new Frame(id, event, data == null ? null : data.toString(), retry, List.copyOf(comments)));
                    id = null;
                    event = null;
                    retry = null;
                    data = null;
                    comments.clear();
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "retry" -> retry = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // closed by the test, or by the server
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void add(Frame frame) {
        frames.add(frame);
        notifyAll();
    }

    synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    synchronized boolean ended() {
        return ended;
    }

    /** The seqs of the stored events received so far. */
    synchronized List<Long> seqs() {
        return frames.stream().filter(Frame::isStored).map(Frame::seq).toList();
    }

    /** Waits until a frame matching {@code condition} arrived; returns every frame so far. */
    synchronized List<Frame> await(Predicate<List<Frame>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(frames)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || (ended && !condition.test(frames))) {
                throw new AssertionError((ended ? "stream ended" : "timed out") + " waiting; frames so far: " + frames);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(frames);
    }

    /** Waits until the server ended the stream. */
    synchronized void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the stream did not end; frames so far: " + frames);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits until the stored event {@code seq} arrived. */
    List<Long> awaitSeq(long seq, Duration timeout) throws InterruptedException {
        await(f -> f.stream().anyMatch(frame -> frame.isStored() && frame.seq() >= seq), timeout);
        return seqs();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            response.body().close();
            reader.interrupt();
        }
    }
}
