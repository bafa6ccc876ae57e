package dev.opencomputer.brain.egress;

import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SessionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's egress while it runs here: its policy, its caps (connections open at once, bytes in
 * all — counted from what its log already holds), and the {@code network.request} events of its
 * finished connections, handed to {@code sink} in batches every {@code flushInterval} and at
 * {@link #close()}. Thread-safe.
 */
public final class EgressSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EgressSession.class);

    private final SessionId id;
    private final NetworkPolicy policy;
    private final int maxConnections;
    private final long maxBytes;
    private final Consumer<List<NetworkRequest>> sink;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong bytes;
    private final List<NetworkRequest> pending = new ArrayList<>();
    private final long bytesPerSecond;
    private final Object rate = new Object();
    private long bucketEmptyAt = System.nanoTime();
    private final Thread flusher;
    private volatile boolean closed;

    /**
     * @param bytesBefore what the session moved through the proxy before this run (its log's
     *                    {@code network.request} events)
     * @param sink        appends a batch of events to the session's log; a failure drops the batch
     */
    public EgressSession(SessionId id, NetworkPolicy policy, long bytesBefore, EgressProperties properties,
            Consumer<List<NetworkRequest>> sink) {
        this.id = id;
        this.policy = policy;
        this.maxConnections = properties.maxConnections();
        this.maxBytes = properties.maxBytes().toBytes();
        this.bytes = new AtomicLong(bytesBefore);
        this.bytesPerSecond = properties.maxBytesPerSecond() == null ? 0 : properties.maxBytesPerSecond().toBytes();
        this.sink = sink;
        Duration every = properties.flushInterval();
        this.flusher = Thread.ofVirtual().name("oc-egress-log-" + id).start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                flush();
            }
        });
    }

    public SessionId id() {
        return id;
    }

    public NetworkPolicy policy() {
        return policy;
    }

    /**
     * Why a connection to {@code host}:{@code port} is refused by this session's policy or caps, or
     * empty when it is admitted — then it counts as open until {@link #finished}.
     */
    Optional<String> admit(String host, int port) {
        if (!policy.permits(host, port)) {
            return Optional.of(switch (policy.mode()) {
                case NONE -> "this session has no network";
                case ALLOWLIST -> host + ":" + port + " is not on this session's allow-list";
                case OPEN -> "refused";
            });
        }
        if (bytes.get() >= maxBytes) {
            return Optional.of("this session used up its network transfer cap (" + maxBytes + " bytes)");
        }
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return Optional.of("this session has " + maxConnections + " connections open, the most it may have");
        }
        return Optional.empty();
    }

    /** Counts {@code n} bytes moved; false once the session is past its transfer cap. */
    boolean moved(long n) {
        return bytes.addAndGet(n) <= maxBytes;
    }

    /**
     * How long the connection that just moved {@code n} bytes should wait before moving more, so that
     * the session as a whole stays within its bandwidth (a token bucket with a quarter second's burst);
     * zero without a bandwidth cap.
     */
    Duration throttle(long n) {
        if (bytesPerSecond <= 0) {
            return Duration.ZERO;
        }
        synchronized (rate) {
            long now = System.nanoTime();
            long burst = 250_000_000L;
            bucketEmptyAt = Math.max(bucketEmptyAt, now - burst) + n * 1_000_000_000L / bytesPerSecond;
            return Duration.ofNanos(Math.max(0, bucketEmptyAt - now));
        }
    }

    /** An admitted connection ended. */
    void finished() {
        open.decrementAndGet();
    }

    /** Queues the event of one connection (admitted or refused). */
    void record(NetworkRequest request) {
        synchronized (pending) {
            pending.add(request);
        }
    }

    /** Hands what is queued to the sink now. */
    public void flush() {
        List<NetworkRequest> batch;
        synchronized (pending) {
            if (pending.isEmpty()) {
                return;
            }
            batch = List.copyOf(pending);
            pending.clear();
        }
        try {
            sink.accept(batch);
        } catch (RuntimeException e) {
            log.warn("{} network.request events of {} could not be stored: {}", batch.size(), id, e.toString());
        }
    }

    /** Stops the periodic flush and flushes what is left. */
    @Override
    public void close() {
        closed = true;
        flusher.interrupt();
        flush();
    }
}
