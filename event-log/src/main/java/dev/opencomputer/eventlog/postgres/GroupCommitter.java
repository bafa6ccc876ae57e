package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.SessionNotFoundException;
import dev.opencomputer.eventlog.StaleFencingTokenException;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits appends in groups: appenders queue their events and wait; a few committer threads each
 * take whatever is queued (up to a number of events) and commit it in one transaction. Per
 * session the transaction takes the next seqs with {@code UPDATE sessions SET last_seq =
 * last_seq + n … RETURNING}, which holds the row lock until commit, so seqs are gapless and
 * commit order is seq order; sessions are locked in id order so that committers never deadlock
 * (a group of several sessions locks them all with one {@code SELECT … ORDER BY id FOR UPDATE}
 * first, then takes the seqs of those without a fencing token with one {@code UPDATE}).
 * All rows go in with one statement that also sends one NOTIFY. Under load this turns many small
 * transactions into few large ones; alone, an append costs one queue hand-off more than a plain
 * transaction.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    private static final String TAKE_SEQS = """
            UPDATE sessions SET last_seq = last_seq + ?, updated_at = ?
            WHERE id = ? AND (?::bigint IS NULL OR lease_token = ?::bigint)
            RETURNING last_seq, status""";
    private static final String SET_STATUS = """
            UPDATE sessions SET status = v.status FROM unnest(?::text[], ?::text[]) AS v(id, status)
            WHERE sessions.id = v.id""";
    private static final String FENCE_OF = "SELECT lease_token FROM sessions WHERE id = ?";
    /** Locks the rows of every session of a group in id order (no deadlock), so what follows never waits. */
    private static final String LOCK_SESSIONS = "SELECT id FROM sessions WHERE id = ANY (?) ORDER BY id FOR UPDATE";
    /** The seqs of many unfenced sessions (already locked) in one statement. */
    private static final String TAKE_MANY_SEQS = """
            UPDATE sessions s SET last_seq = s.last_seq + v.n, updated_at = ?
            FROM unnest(?::text[], ?::bigint[]) AS v(id, n) WHERE s.id = v.id
            RETURNING s.id, s.last_seq, s.status""";

    /** One appender's request, waiting for its seqs. */
    record Pending(SessionId session, List<? extends SessionEvent> events, String[] data, Long fence,
            CompletableFuture<List<LoggedEvent>> result) {
    }

    /** An append that got its seqs, the first being {@code firstSeq}. */
    private record Accepted(Pending pending, long firstSeq) {
    }

    /** What a committed transaction learned: the new last seq of every session it appended to. */
    interface Committed {
        void committed(Map<SessionId, Long> lastSeqs);
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final int maxBatchEvents;
    /** Groups of appends that go into one commit together (most hold one append). */
    private final BlockingQueue<List<Pending>> queue;
    private final Committed committed;
    private final CommitCheck commitCheck;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    GroupCommitter(DataSource dataSource, Clock clock, int committers, int maxBatchEvents, int queueCapacity,
            Committed committed) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.maxBatchEvents = maxBatchEvents;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.committed = committed;
        this.commitCheck = new CommitCheck(dataSource, java.time.Duration.ofSeconds(30));
        for (int i = 0; i < committers; i++) {
            threads.add(Thread.ofPlatform().daemon().name("oc-event-log-commit-" + i).unstarted(this::run));
        }
    }

    void start() {
        running = true;
        threads.forEach(Thread::start);
    }

    /** Queues the events and waits until they are committed (or refused). */
    List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events, String[] data, Long fence) {
        if (!running) {
            throw new IllegalStateException("the event log is not running");
        }
        Pending pending = new Pending(session, List.copyOf(events), data, fence, new CompletableFuture<>());
        try {
            enqueue(List.of(pending));
            return pending.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending to " + session
                    + "; the events may or may not have been appended", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Queues appends to several sessions (no fences) as one group, committed together (unless the
     * group fails, then one by one), and waits for all of them; each future holds its own outcome.
     */
    List<CompletableFuture<List<LoggedEvent>>> appendAll(List<Pending> group) {
        if (!running) {
            throw new IllegalStateException("the event log is not running");
        }
        try {
            enqueue(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending; the events may or may not have been appended", e);
        }
        List<CompletableFuture<List<LoggedEvent>>> results = group.stream().map(Pending::result).toList();
        try {
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending; the events may or may not have been appended", e);
        } catch (ExecutionException e) {
            // each future carries its own failure
        }
        return results;
    }

    private void enqueue(List<Pending> group) throws InterruptedException {
        queue.put(group);
        if (!running && queue.remove(group)) {
            throw new IllegalStateException("the event log is closing");
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                List<Pending> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.addAll(first);
                int events = first.stream().mapToInt(p -> p.events().size()).sum();
                List<Pending> next;
                while (events < maxBatchEvents && (next = queue.poll()) != null) {
                    batch.addAll(next);
                    events += next.stream().mapToInt(p -> p.events().size()).sum();
                }
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("committer failed unexpectedly", e);
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        try {
            commitTogether(batch);
        } catch (SQLException | RuntimeException e) {
            if (batch.size() == 1) {
                RuntimeException failure = e instanceof SQLException sql ? Failures.translate("append events", sql)
                        : (RuntimeException) e;
                batch.getFirst().result().completeExceptionally(failure);
                return;
            }
            log.debug("group commit of {} appends failed ({}); committing them one by one", batch.size(), e.toString());
            for (Pending pending : batch) {
                commit(List.of(pending));
            }
        }
    }

    private void commitTogether(List<Pending> batch) throws SQLException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OffsetDateTime nowAtUtc = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        TreeMap<String, List<Pending>> bySession = new TreeMap<>();
        int rowCount = 0;
        for (Pending pending : batch) {
            bySession.computeIfAbsent(pending.session().value(), id -> new ArrayList<>()).add(pending);
            rowCount += pending.events().size();
        }
        List<Accepted> accepted = new ArrayList<>();
        List<Pending> refused = new ArrayList<>();
        Map<SessionId, Long> lastSeqs = new LinkedHashMap<>();
        Map<String, SessionStatus> statusChanges = new LinkedHashMap<>();
        boolean committing = false;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, List<Pending>> unfenced = new TreeMap<>();
                if (bySession.size() > 1) {
                    lockSessions(c, bySession.keySet());
                    bySession.forEach((id, appends) -> {
                        if (appends.stream().allMatch(p -> p.fence() == null)) {
                            unfenced.put(id, appends);
                        }
                    });
                }
                if (unfenced.size() > 1) {
                    takeManySeqs(c, nowAtUtc, unfenced, accepted, refused, lastSeqs, statusChanges);
                } else {
                    unfenced.clear();
                }
                try (PreparedStatement takeSeqs = c.prepareStatement(TAKE_SEQS)) {
                    for (Map.Entry<String, List<Pending>> entry : bySession.entrySet()) {
                        if (!unfenced.containsKey(entry.getKey())) {
                            takeSeqs(takeSeqs, nowAtUtc, entry.getValue(), accepted, refused, lastSeqs, statusChanges);
                        }
                    }
                }
                if (!accepted.isEmpty()) {
                    EventTable.insertAndNotify(c, rows(accepted, rowCount), now, lastSeqs);
                }
                if (!statusChanges.isEmpty()) {
                    try (PreparedStatement setStatus = c.prepareStatement(SET_STATUS)) {
                        setStatus.setArray(1, c.createArrayOf("text", statusChanges.keySet().toArray(String[]::new)));
                        setStatus.setArray(2, c.createArrayOf("text",
                                statusChanges.values().stream().map(SessionStatus::wireName).toArray(String[]::new)));
                        setStatus.executeUpdate();
                    }
                }
                committing = true;
                c.commit();
            } catch (SQLException e) {
                if (!committing || !CommitCheck.outcomeUnknown(e) || !landed(accepted, nowAtUtc)) {
                    rollback(c);
                    throw e;
                }
                log.warn("an append committed although its acknowledgement was lost ({}); not storing it again",
                        e.toString());
            } catch (RuntimeException e) {
                rollback(c);
                throw e;
            }
        }
        // Subscribers learn of the new seqs before the appenders return, so that whatever an
        // appender publishes next is ordered after what it appended.
        committed.committed(lastSeqs);
        for (Accepted entry : accepted) {
            Pending pending = entry.pending();
            List<LoggedEvent> logged = new ArrayList<>(pending.events().size());
            long seq = entry.firstSeq();
            for (SessionEvent event : pending.events()) {
                logged.add(new LoggedEvent(pending.session(), seq++, now, event));
            }
            pending.result().complete(logged);
        }
        for (Pending pending : refused) {
            pending.result().completeExceptionally(whyRefused(pending));
        }
    }

    private static void lockSessions(Connection c, java.util.Set<String> ids) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(LOCK_SESSIONS)) {
            lock.setArray(1, c.createArrayOf("text", ids.toArray(String[]::new)));
            lock.executeQuery().close();
        }
    }

    /** Takes seqs for the appends of several sessions without fences, one UPDATE for all of them. */
    private static void takeManySeqs(Connection c, OffsetDateTime now, Map<String, List<Pending>> bySession,
            List<Accepted> accepted, List<Pending> refused, Map<SessionId, Long> lastSeqs,
            Map<String, SessionStatus> statusChanges) throws SQLException {
        String[] ids = bySession.keySet().toArray(String[]::new);
        Long[] counts = new Long[ids.length];
        Map<String, Long> countOf = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            counts[i] = bySession.get(ids[i]).stream().mapToLong(p -> p.events().size()).sum();
            countOf.put(ids[i], counts[i]);
        }
        java.util.Set<String> found = new java.util.HashSet<>();
        try (PreparedStatement take = c.prepareStatement(TAKE_MANY_SEQS)) {
            take.setObject(1, now);
            take.setArray(2, c.createArrayOf("text", ids));
            take.setArray(3, c.createArrayOf("bigint", counts));
            try (ResultSet rs = take.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    List<Pending> appends = bySession.get(id);
                    found.add(id);
                    long last = rs.getLong(2);
                    SessionStatus before = SessionStatus.parse(rs.getString(3));
                    SessionStatus after = before;
                    long seq = last - countOf.get(id) + 1;
                    for (Pending pending : appends) {
                        accepted.add(new Accepted(pending, seq));
                        seq += pending.events().size();
                        for (SessionEvent event : pending.events()) {
                            after = after.after(event);
                        }
                    }
                    lastSeqs.put(appends.getFirst().session(), last);
                    if (after != before) {
                        statusChanges.put(id, after);
                    }
                }
            }
        }
        bySession.forEach((id, appends) -> {
            if (!found.contains(id)) {
                refused.addAll(appends);
            }
        });
    }

    /** Takes seqs for one session's appends, one UPDATE per run of appends with the same fence. */
    private static void takeSeqs(PreparedStatement takeSeqs, OffsetDateTime now, List<Pending> appends,
            List<Accepted> accepted, List<Pending> refused, Map<SessionId, Long> lastSeqs,
            Map<String, SessionStatus> statusChanges) throws SQLException {
        SessionStatus before = null;
        SessionStatus after = null;
        int i = 0;
        while (i < appends.size()) {
            Long fence = appends.get(i).fence();
            int j = i;
            long count = 0;
            while (j < appends.size() && Objects.equals(appends.get(j).fence(), fence)) {
                count += appends.get(j).events().size();
                j++;
            }
            takeSeqs.setLong(1, count);
            takeSeqs.setObject(2, now);
            takeSeqs.setString(3, appends.get(i).session().value());
            if (fence == null) {
                takeSeqs.setNull(4, Types.BIGINT);
                takeSeqs.setNull(5, Types.BIGINT);
            } else {
                takeSeqs.setLong(4, fence);
                takeSeqs.setLong(5, fence);
            }
            try (ResultSet rs = takeSeqs.executeQuery()) {
                if (rs.next()) {
                    long last = rs.getLong(1);
                    if (before == null) {
                        before = SessionStatus.parse(rs.getString(2));
                        after = before;
                    }
                    long seq = last - count + 1;
                    for (Pending pending : appends.subList(i, j)) {
                        accepted.add(new Accepted(pending, seq));
                        seq += pending.events().size();
                        for (SessionEvent event : pending.events()) {
                            after = after.after(event);
                        }
                    }
                    lastSeqs.put(appends.get(i).session(), last);
                } else {
                    refused.addAll(appends.subList(i, j));
                }
            }
            i = j;
        }
        if (before != null && after != before) {
            statusChanges.put(appends.getFirst().session().value(), after);
        }
    }

    private static EventTable.Rows rows(List<Accepted> accepted, int capacity) {
        String[] sessions = new String[capacity];
        Long[] seqs = new Long[capacity];
        String[] types = new String[capacity];
        String[] data = new String[capacity];
        int row = 0;
        for (Accepted entry : accepted) {
            Pending pending = entry.pending();
            long seq = entry.firstSeq();
            for (int k = 0; k < pending.events().size(); k++) {
                sessions[row] = pending.session().value();
                seqs[row] = seq++;
                types[row] = pending.events().get(k).type();
                data[row] = pending.data()[k];
                row++;
            }
        }
        if (row < capacity) {
            return new EventTable.Rows(Arrays.copyOf(sessions, row), Arrays.copyOf(seqs, row),
                    Arrays.copyOf(types, row), Arrays.copyOf(data, row));
        }
        return new EventTable.Rows(sessions, seqs, types, data);
    }

    /** Whether a transaction whose commit answer was lost committed; nothing to store means nothing to repeat. */
    private boolean landed(List<Accepted> accepted, OffsetDateTime createdAt) {
        if (accepted.isEmpty()) {
            return true;
        }
        Accepted probe = accepted.getFirst();
        return commitCheck.landed(probe.pending().session(), probe.firstSeq(), createdAt);
    }

    private RuntimeException whyRefused(Pending pending) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FENCE_OF)) {
            s.setString(1, pending.session().value());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new SessionNotFoundException(pending.session());
                }
                return new StaleFencingTokenException(pending.session(), pending.fence(), rs.getLong(1));
            }
        } catch (SQLException e) {
            return Failures.translate("check the fencing token", e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed", e);
        }
    }

    /** Stops taking appends, commits what is queued, and waits for the committers to finish. */
    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
