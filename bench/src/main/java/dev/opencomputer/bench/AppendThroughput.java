package dev.opencomputer.bench;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UserMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Append throughput with many concurrent writers: through {@link EventLog#append} next to a
 * plain-JDBC baseline that runs, per append, the statements the event log's design needs (take
 * the seq under the row lock, insert, notify, commit) on the same tables, with the JSON already
 * encoded.
 */
final class AppendThroughput {

    /** Appends per second of both, for one scenario. */
    record Result(String scenario, double eventLog, double baseline) {
        double ratio() {
            return eventLog / baseline;
        }
    }

    private static final String TAKE_SEQ =
            "UPDATE sessions SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq, status";
    private static final String INSERT =
            "INSERT INTO session_events (session_id, seq, type, data, created_at) VALUES (?, ?, ?, ?::jsonb, ?)";
    private static final String NOTIFY = "SELECT pg_notify('oc_session_events', ?)";

    private final DataSource pool;
    private final EventLog log;
    private final EventJson json = new EventJson();
    private final String text = "x".repeat(200);

    AppendThroughput(DataSource pool, EventLog log) {
        this.pool = pool;
        this.log = log;
    }

    /**
     * Runs {@code writers} threads appending single events for {@code duration}, alternating
     * baseline and event log {@code rounds} times each, and averages.
     */
    Result run(String scenario, int writers, boolean oneSharedSession, Duration duration, int rounds)
            throws InterruptedException {
        List<SessionId> sessions = new ArrayList<>();
        for (int i = 0; i < (oneSharedSession ? 1 : writers); i++) {
            sessions.add(newSession());
        }
        measure(writers, sessions, Duration.ofSeconds(1), true);
        measure(writers, sessions, Duration.ofSeconds(1), false);
        double baseline = 0;
        double eventLog = 0;
        for (int round = 0; round < rounds; round++) {
            baseline += measure(writers, sessions, duration, true);
            eventLog += measure(writers, sessions, duration, false);
        }
        return new Result(scenario, eventLog / rounds, baseline / rounds);
    }

    private SessionId newSession() {
        SessionId id = SessionId.next(Instant.now());
        AgentId agent = AgentId.next(Instant.now());
        log.create(new NewSession(id, TenantId.next(Instant.now()), agent, 1, Map.of()),
                List.of(new SessionStarted(agent, 1, "bench", null, Map.of())));
        return id;
    }

    private double measure(int writers, List<SessionId> sessions, Duration duration, boolean baseline)
            throws InterruptedException {
        LongAdder appended = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(writers);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            SessionId session = sessions.get(w % sessions.size());
            threads.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
                try {
                    while (running.get()) {
                        if (baseline) {
                            plainAppend(session);
                        } else {
                            log.append(session, new UserMessage(text));
                        }
                        appended.increment();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            }));
        }
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        running.set(false);
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        return appended.sum() / seconds;
    }

    private void plainAppend(SessionId session) throws SQLException {
        String data = json.data(new UserMessage(text));
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            long seq;
            try (PreparedStatement s = c.prepareStatement(TAKE_SEQ)) {
                s.setObject(1, now);
                s.setString(2, session.value());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                s.setString(1, session.value());
                s.setLong(2, seq);
                s.setString(3, UserMessage.TYPE);
                s.setString(4, data);
                s.setObject(5, now);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(NOTIFY)) {
                s.setString(1, session.value() + ":" + seq);
                s.executeQuery().close();
            }
            c.commit();
        }
    }
}
