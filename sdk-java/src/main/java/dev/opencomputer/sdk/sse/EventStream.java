package dev.opencomputer.sdk.sse;

import dev.opencomputer.sdk.ApiException;
import dev.opencomputer.sdk.ConnectionException;
import dev.opencomputer.sdk.OpenComputerException;
import dev.opencomputer.sdk.RateLimitException;
import dev.opencomputer.sdk.ServerException;
import dev.opencomputer.sdk.internal.RetryPolicy;
import dev.opencomputer.sdk.internal.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.core.JacksonException;

/**
 * A live server-sent event stream, read by iterating it and ended by {@link #close()}.
 *
 * <p><b>Resumption.</b> When the connection drops — the server closes it, the network fails, or
 * nothing (not even a heartbeat comment) arrives for {@link Options#idleTimeout()} while the
 * iterating thread waits for the next event (a slow consumer does not count as silence) — the stream
 * waits the reconnection time (the server's last {@code retry:}, else
 * {@link Options#reconnectDelay()}) and reconnects on its own, sending {@code Last-Event-ID} with the
 * id of the last event it yielded, so a server that honours it continues exactly after that event:
 * no gap, no repeat. Failed reconnects back off exponentially (honouring {@code Retry-After}) up to
 * {@link Options#maxReconnectDelay()}; after {@link Options#maxReconnectAttempts()} failures in a row
 * the last failure is thrown. An answer that cannot improve by retrying (e.g. 401, 404) is thrown at
 * once. A connection the server closes without sending anything counts as a failed one. A 204
 * answer ends the stream.
 *
 * <p><b>Errors on the stream.</b> An {@code event: error} whose data is an RFC 9457 problem is the
 * server's final word: iteration throws it as an {@link ApiException} and the stream ends.
 *
 * <p><b>Threads.</b> One thread iterates (the stream is single-use: {@link #iterator()} may be
 * called once). {@link #close()} may be called from any thread at any time, including while the
 * iterating thread blocks in {@code hasNext()}, which then returns false: closing ends iteration
 * cleanly, it is not an error.
 *
 * @param <T> what each event decodes to
 */
public final class EventStream<T> implements Iterable<T>, AutoCloseable {

    /** Opens one connection to the stream. */
    @FunctionalInterface
    public interface Connector {

        /**
         * Connects, sending {@code Last-Event-ID: lastEventId} when it is not empty.
         *
         * @return the open {@code text/event-stream} body, or null when the server answered 204
         * @throws ApiException        for an error answer
         * @throws ConnectionException when no answer arrived
         */
        InputStream connect(String lastEventId);
    }

    /**
     * How the stream reconnects.
     *
     * @param lastEventId          where to start: events after this id ("" or null: the server's default start)
     * @param reconnectDelay       the wait before reconnecting, until the server sends {@code retry:}
     * @param maxReconnectDelay    the cap of the backoff between failed reconnects
     * @param maxReconnectAttempts failed connects in a row before giving up
     * @param idleTimeout          silence (no event, no comment) after which the connection counts as
     *                             dead; zero turns the check off
     * @param maxRetryAfter        the longest {@code Retry-After} waited out before giving up
     */
    public record Options(String lastEventId, Duration reconnectDelay, Duration maxReconnectDelay,
            int maxReconnectAttempts, Duration idleTimeout, Duration maxRetryAfter) {

        /** From the start; 1 s reconnect delay, 30 s backoff cap, 10 attempts, 45 s idle timeout. */
        public static final Options DEFAULT = new Options("", Duration.ofSeconds(1), Duration.ofSeconds(30), 10,
                Duration.ofSeconds(45), Duration.ofSeconds(60));

        public Options {
            lastEventId = lastEventId == null ? "" : lastEventId;
            Objects.requireNonNull(reconnectDelay, "reconnectDelay");
            Objects.requireNonNull(maxReconnectDelay, "maxReconnectDelay");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (reconnectDelay.isNegative() || reconnectDelay.isZero() || maxReconnectDelay.compareTo(reconnectDelay) < 0) {
                throw new IllegalArgumentException("need 0 < reconnectDelay <= maxReconnectDelay");
            }
            if (maxReconnectAttempts < 0 || idleTimeout.isNegative()) {
                throw new IllegalArgumentException("maxReconnectAttempts and idleTimeout must not be negative");
            }
        }

        public Options withLastEventId(String id) {
            return new Options(id, reconnectDelay, maxReconnectDelay, maxReconnectAttempts, idleTimeout, maxRetryAfter);
        }

        public Options withReconnectDelay(Duration delay, Duration max) {
            return new Options(lastEventId, delay, max, maxReconnectAttempts, idleTimeout, maxRetryAfter);
        }

        public Options withMaxReconnectAttempts(int attempts) {
            return new Options(lastEventId, reconnectDelay, maxReconnectDelay, attempts, idleTimeout, maxRetryAfter);
        }

        public Options withIdleTimeout(Duration timeout) {
            return new Options(lastEventId, reconnectDelay, maxReconnectDelay, maxReconnectAttempts, timeout, maxRetryAfter);
        }
    }

    private final Connector connector;
    private final EventDecoder<T> decoder;
    private final Options options;
    private final RandomGenerator random = RandomGenerator.getDefault();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean closed; // guarded by lock
    private InputStream input; // guarded by lock; the live connection or null
    private volatile long lastActivity;
    private volatile boolean reading; // the consumer waits for the network, so silence counts
    private volatile String lastEventId;
    private volatile Duration reconnectDelay;

    // State of the single consumer thread.
    private SseParser parser;
    private boolean iterated;
    private boolean ended;
    private int failures; // failed connects, or connections that ended without a line, in a row
    private boolean heardAnything; // on the current connection
    private T next;

    private EventStream(Connector connector, EventDecoder<T> decoder, Options options) {
        this.connector = connector;
        this.decoder = decoder;
        this.options = options;
        this.lastEventId = options.lastEventId();
        this.reconnectDelay = options.reconnectDelay();
    }

    /**
     * Connects (retrying as {@link Options} allows) and returns the open stream.
     *
     * @throws ApiException        when the server refuses the stream (e.g. 404, 401)
     * @throws ConnectionException when it cannot be reached within the reconnect attempts
     */
    public static <T> EventStream<T> open(Connector connector, EventDecoder<T> decoder, Options options) {
        var stream = new EventStream<>(Objects.requireNonNull(connector, "connector"),
                Objects.requireNonNull(decoder, "decoder"), Objects.requireNonNull(options, "options"));
        try {
            if (!stream.connect(false)) {
                stream.end();
                return stream;
            }
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
        if (!options.idleTimeout().isZero()) {
            Thread.ofVirtual().name("opencomputer-sse-watchdog").start(stream::watchIdle);
        }
        return stream;
    }

    /** The id of the last event yielded (or the starting id): where a new stream would resume. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The single iterator of this stream; it blocks in {@code hasNext()} until an event arrives. */
    @Override
    public Iterator<T> iterator() {
        lock.lock();
        try {
            if (iterated) {
                throw new IllegalStateException("an event stream can be iterated only once");
            }
            iterated = true;
        } finally {
            lock.unlock();
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return advance();
            }

            @Override
            public T next() {
                if (!advance()) {
                    throw new NoSuchElementException();
                }
                T event = next;
                next = null;
                return event;
            }
        };
    }

    /** The events as a sequential stream; closing it closes this event stream. */
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false)
                .onClose(this::close);
    }

    /** Ends the stream and releases its connection. Idempotent; callable from any thread. */
    @Override
    public void close() {
        InputStream live;
        lock.lock();
        try {
            closed = true;
            live = input;
            input = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(live);
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Reads until an element is ready (true) or the stream is over (false). Consumer thread only. */
    private boolean advance() {
        if (next != null) {
            return true;
        }
        if (ended) {
            return false;
        }
        try {
            while (next == null) {
                if (isClosed() || parser == null && !connect(true)) {
                    end();
                    return false;
                }
                ServerSentEvent event;
                lastActivity = System.nanoTime(); // time spent away from the stream is not silence
                reading = true;
                try {
                    event = parser.next();
                } catch (IOException e) {
                    event = null; // a broken connection is handled like a closed one
                } finally {
                    reading = false;
                }
                if (event == null) {
                    dropConnection();
                    continue;
                }
                lastEventId = parser.lastEventId();
                if ("error".equals(event.event())) {
                    throw streamError(event);
                }
                next = decoder.decode(event);
            }
            return true;
        } catch (RuntimeException e) {
            end();
            throw e;
        }
    }

    /** The stream is over (closed, 204, fatal error): release everything, the watchdog included. */
    private void end() {
        ended = true;
        parser = null;
        close();
    }

    private void dropConnection() {
        if (parser != null && !heardAnything && !isClosed()) {
            // A server that keeps closing the stream at once is failing, not streaming: back off.
            if (++failures > options.maxReconnectAttempts()) {
                throw new ConnectionException("the server closed the event stream " + failures
                        + " times in a row without sending anything", null);
            }
        }
        if (parser != null) {
            lastEventId = parser.lastEventId(); // also counts an id sent on an event without data
            Duration retry = parser.retry();
            if (retry != null) {
                reconnectDelay = retry.isZero() ? Duration.ofMillis(1) : retry;
            }
        }
        parser = null;
        InputStream live;
        lock.lock();
        try {
            live = input;
            input = null;
        } finally {
            lock.unlock();
        }
        closeQuietly(live);
    }

    /**
     * Opens a connection, waiting first when this is a reconnect, and retrying failed connects.
     * Returns false when the stream was closed meanwhile or the server answered 204.
     */
    private boolean connect(boolean reconnect) {
        Duration wait = !reconnect ? Duration.ZERO : failures > 0 ? backoff() : reconnectDelay;
        while (true) {
            if (!pause(wait)) {
                return false;
            }
            InputStream in;
            try {
                in = connector.connect(lastEventId);
            } catch (ApiException e) {
                if (!retryable(e) || ++failures > options.maxReconnectAttempts()) {
                    throw e;
                }
                Optional<Duration> retryAfter = retryAfter(e);
                if (retryAfter.isPresent() && retryAfter.get().compareTo(options.maxRetryAfter()) > 0) {
                    throw e;
                }
                wait = retryAfter.orElseGet(this::backoff);
                continue;
            } catch (ConnectionException e) {
                if (++failures > options.maxReconnectAttempts()) {
                    throw e;
                }
                wait = backoff();
                continue;
            }
            if (in == null) {
                return false;
            }
            lock.lock();
            try {
                if (closed) {
                    closeQuietly(in);
                    return false;
                }
                input = in;
                lastActivity = System.nanoTime();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            heardAnything = false;
            parser = new SseParser(new InputStreamReader(in, StandardCharsets.UTF_8), lastEventId, () -> {
                lastActivity = System.nanoTime();
                heardAnything = true;
                failures = 0;
            });
            return true;
        }
    }

    private Duration backoff() {
        return new RetryPolicy(0, reconnectDelay, options.maxReconnectDelay(), options.maxRetryAfter(), random)
                .backoff(failures - 1);
    }

    private static boolean retryable(ApiException e) {
        return e.status() == 408 || e.status() == 429 || e.status() >= 500;
    }

    private static Optional<Duration> retryAfter(ApiException e) {
        if (e instanceof RateLimitException r) {
            return r.retryAfter();
        }
        return e instanceof ServerException s ? s.retryAfter() : Optional.empty();
    }

    /** Waits, unless closed first; false when closed. */
    private boolean pause(Duration wait) {
        long remaining = wait.toNanos();
        lock.lock();
        try {
            while (!closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenComputerException("interrupted while waiting to reconnect the event stream", e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes a connection that stayed silent too long, so the consumer reconnects. */
    private void watchIdle() {
        long timeout = options.idleTimeout().toNanos();
        lock.lock();
        try {
            while (!closed) {
                long silent = System.nanoTime() - lastActivity;
                if (input != null && reading && silent >= timeout) {
                    InputStream dead = input;
                    input = null;
                    closeQuietly(dead);
                    continue;
                }
                changed.await(input == null ? timeout : timeout - silent, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private ApiException streamError(ServerSentEvent event) {
        var json = Transport.mapper();
        try {
            var node = json.readTree(event.data());
            if (node != null && node.isObject()) {
                return ApiException.of(Transport.problemOf(json, node, 500), null, null);
            }
        } catch (JacksonException e) {
            // not a problem document: reported with its raw text below
        }
        return ApiException.of(new dev.opencomputer.sdk.Problem("about:blank", "Stream error", 500, event.data(),
                null, null, null), null, null);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // the connection is being abandoned; nothing useful to do
            }
        }
    }
}
