package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.StreamedEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries ephemeral events (token deltas) to the subscribers on the other replicas. Never a NOTIFY
 * per delta: what this replica publishes is queued per session and sent every {@link #WINDOW}
 * (and at once before the session's next append, so that the deltas of a message reach the other
 * replicas before the stored message), as one statement — one transaction, so one NOTIFY commit —
 * for every session with something queued, each session's deltas packed into payloads below
 * 7800 bytes, in order. The queue is bounded per session ({@link #MAX_PENDING_BYTES}; the oldest go
 * first), and a delta too large for one payload only reaches local subscribers: deltas are
 * ephemeral, the stored message is the truth. Each payload names its origin, so a replica ignores
 * its own. Thread-safe.
 */
final class EphemeralRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EphemeralRelay.class);
    static final String CHANNEL = "oc_session_ephemeral";
    static final Duration WINDOW = Duration.ofMillis(50);
    static final int MAX_PENDING_BYTES = 256 * 1024;
    private static final int MAX_PAYLOAD = 7800;
    private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', p) FROM unnest(?::text[]) AS n(p)";

    /** The deltas of one session waiting for the next send, and the stored seq they follow. */
    private static final class Pending {
        final long afterSeq;
        final ArrayDeque<String> items = new ArrayDeque<>();
        int bytes;

        Pending(long afterSeq) {
            this.afterSeq = afterSeq;
        }
    }

    private final DataSource dataSource;
    private final SessionFeeds feeds;
    private final EventJson json;
    private final String origin = UUID.randomUUID().toString().substring(0, 8);
    private final Map<SessionId, Pending> pending = new LinkedHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Held while a send is in flight, so that a flush before an append waits for it. */
    private final Object sending = new Object();
    private final java.util.concurrent.atomic.AtomicLong sends = new java.util.concurrent.atomic.AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("oc-event-log-relay").factory());

    EphemeralRelay(DataSource dataSource, SessionFeeds feeds, EventJson json) {
        this.dataSource = dataSource;
        this.feeds = feeds;
        this.json = json;
    }

    /** Queues an ephemeral item of this replica for the others; {@code afterSeq} is the stored seq it follows. */
    void offer(StreamItem item, long afterSeq) {
        String wire = item.json();
        if (header(item.sessionId(), afterSeq).length() + wire.getBytes(StandardCharsets.UTF_8).length + 1
                > MAX_PAYLOAD) {
            log.debug("an ephemeral {} of {} is too large to relay; local subscribers only", item.type(),
                    item.sessionId());
            return;
        }
        synchronized (pending) {
            Pending queued = pending.computeIfAbsent(item.sessionId(), s -> new Pending(afterSeq));
            queued.items.addLast(wire);
            queued.bytes += wire.length();
            while (queued.bytes > MAX_PENDING_BYTES && queued.items.size() > 1) {
                queued.bytes -= queued.items.pollFirst().length();
            }
        }
        if (scheduled.compareAndSet(false, true)) {
            timer.schedule(this::sendAll, WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends what is queued for {@code session} now (before an append of it), if anything, after any
     * send in flight: once this returns, the session's deltas are committed ahead of the append.
     */
    void flush(SessionId session) {
        synchronized (sending) {
            Pending queued;
            synchronized (pending) {
                queued = pending.remove(session);
            }
            if (queued != null) {
                send(payloads(Map.of(session, queued)));
            }
        }
    }

    private void sendAll() {
        scheduled.set(false);
        synchronized (sending) {
            Map<SessionId, Pending> all;
            synchronized (pending) {
                if (pending.isEmpty()) {
                    return;
                }
                all = new LinkedHashMap<>(pending);
                pending.clear();
            }
            send(payloads(all));
        }
    }

    private String header(SessionId session, long afterSeq) {
        return origin + " " + session.value() + " " + afterSeq;
    }

    private List<String> payloads(Map<SessionId, Pending> all) {
        List<String> payloads = new ArrayList<>();
        all.forEach((session, queued) -> {
            String header = header(session, queued.afterSeq);
            StringBuilder payload = new StringBuilder(header);
            int bytes = header.length();
            for (String item : queued.items) {
                int size = item.getBytes(StandardCharsets.UTF_8).length + 1;
                if (bytes + size > MAX_PAYLOAD) {
                    payloads.add(payload.toString());
                    payload.setLength(0);
                    payload.append(header);
                    bytes = header.length();
                }
                payload.append('\n').append(item);
                bytes += size;
            }
            payloads.add(payload.toString());
        });
        return payloads;
    }

    private void send(List<String> payloads) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(NOTIFY)) {
            s.setArray(1, c.createArrayOf("text", payloads.toArray(String[]::new)));
            s.executeQuery().close();
            sends.incrementAndGet();
        } catch (SQLException | RuntimeException e) {
            // ephemeral: other replicas' subscribers miss these deltas, never a stored event
            log.warn("cannot relay ephemeral events to other replicas: {}", e.toString());
        }
    }

    /** Hands the ephemeral items of another replica's payload to this replica's subscribers. */
    void receive(String payload) {
        try {
            int firstLine = payload.indexOf('\n');
            if (firstLine < 0) {
                return;
            }
            String[] header = payload.substring(0, firstLine).split(" ");
            if (header.length != 3 || header[0].equals(origin) || !SessionId.isValid(header[1])) {
                return; // our own (already delivered here), or not ours at all
            }
            SessionId session = SessionId.parse(header[1]);
            long afterSeq = Long.parseLong(header[2]);
            for (String line : payload.substring(firstLine + 1).split("\n")) {
                StreamedEvent event = json.read(line);
                feeds.publish(StreamItem.of(event, line), afterSeq);
            }
        } catch (RuntimeException e) {
            log.debug("ignoring a malformed ephemeral payload: {}", e.toString());
        }
    }

    /** The NOTIFY statements (transactions) sent so far. */
    long sends() {
        return sends.get();
    }

    @Override
    public void close() {
        timer.shutdown();
    }
}
