package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;

/** The SQL of the event log: reading pages of events, inserting rows with their NOTIFY, polling last seqs. */
final class EventTable {

    /** The NOTIFY channel; payloads are {@code <session id>:<seq>} pairs separated by spaces. */
    static final String CHANNEL = "oc_session_events";
    /** NOTIFY payloads must stay below 8000 bytes. */
    private static final int MAX_PAYLOAD = 7800;

    private static final String READ_AFTER = """
            SELECT seq, type, data::text, (extract(epoch FROM created_at) * 1000000)::bigint FROM session_events
            WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?""";
    /*
     * Bounded by bytes too: the running sum of the rows' data sizes (data_bytes, written with each row;
     * the stored size for older rows) keeps the rows up to maxBytes, and always the first one, so that a
     * reader makes progress past an event larger than the bound. The sizes are plain columns (the data
     * is not detoasted for rows left out). The last column counts the rows the count limit allowed, so
     * that a reader knows whether the byte bound cut the page short.
     */
    private static final String READ_AFTER_BOUNDED = """
            SELECT seq, type, data::text, (extract(epoch FROM created_at) * 1000000)::bigint, candidates FROM (
                SELECT seq, type, data, created_at, coalesce(data_bytes, pg_column_size(data)) AS own,
                       sum(coalesce(data_bytes, pg_column_size(data))) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) AS upto,
                       count(*) OVER () AS candidates
                  FROM (SELECT * FROM session_events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?) l) p
            WHERE upto <= ? OR upto = own
            ORDER BY seq""";
    private static final String INSERT_AND_NOTIFY = """
            WITH inserted AS (
                INSERT INTO session_events (session_id, seq, type, data, created_at, data_bytes)
                SELECT s, q, t, d::jsonb, ?::timestamptz, octet_length(d) FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[]) AS u(s, q, t, d)
            )
            SELECT pg_notify('%s', p) FROM unnest(?::text[]) AS n(p)""".formatted(CHANNEL);
    /* A bounded page (as READ_AFTER_BOUNDED) with the session's last seq, for a subscriber's catch-up. */
    private static final String READ_PAGE = """
            SELECT s.last_seq, e.seq, e.type, e.data::text, (extract(epoch FROM e.created_at) * 1000000)::bigint
            FROM sessions s LEFT JOIN LATERAL (
                SELECT seq, type, data, created_at FROM (
                    SELECT seq, type, data, created_at, coalesce(data_bytes, pg_column_size(data)) AS own,
                           sum(coalesce(data_bytes, pg_column_size(data))) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) AS upto
                      FROM (SELECT * FROM session_events WHERE session_id = s.id AND seq > ? ORDER BY seq LIMIT ?) l) p
                 WHERE upto <= ? OR upto = own
            ) e ON true
            WHERE s.id = ?""";
    private static final String READ_OF_TYPES = """
            SELECT seq, type, data::text, (extract(epoch FROM created_at) * 1000000)::bigint FROM session_events
            WHERE session_id = ? AND type = ANY (?) ORDER BY seq""";
    private static final String READ_TENANT_WINDOW = """
            SELECT e.session_id, e.seq, e.type, e.data::text, (extract(epoch FROM e.created_at) * 1000000)::bigint
              FROM sessions s JOIN session_events e ON e.session_id = s.id
             WHERE s.tenant_id = ? AND s.created_at < ? AND (s.updated_at >= ? OR s.status = ANY (?))
               AND e.created_at < ? AND e.type = ANY (?)
             ORDER BY e.session_id, e.seq""";
    private static final String LAST_SEQS = "SELECT id, last_seq FROM sessions WHERE id = ANY (?)";

    private final DataSource dataSource;
    /** For the reads of feed pumps, which serve every subscriber of a session: never behind catch-ups. */
    private final Semaphore pumpPermits;
    /** For the catch-up reads of single subscribers. */
    private final Semaphore readPermits;
    /** Most event data (bytes of JSON) one bounded read holds, past its first event. */
    private final long maxReadBytes;

    EventTable(DataSource dataSource, int readConcurrency, long maxReadBytes) {
        this.dataSource = dataSource;
        this.maxReadBytes = maxReadBytes;
        this.pumpPermits = new Semaphore(readConcurrency, true);
        this.readPermits = new Semaphore(readConcurrency, true);
    }

    /** Reads directly, for callers that bound their own concurrency. */
    List<EventRow> readAfter(SessionId session, long afterSeq, int limit) {
        try (Connection c = dataSource.getConnection()) {
            return readAfter(c, session, afterSeq, limit);
        } catch (SQLException e) {
            throw Failures.translate("read events", e);
        }
    }

    /** Rows of a read bounded by count and bytes, and whether the byte bound left rows out. */
    record Bounded(List<EventRow> rows, boolean cut) {
    }

    /**
     * At most {@code limit} rows after {@code afterSeq} and, past the first, at most {@code maxBytes}
     * of data: whether rows were left out for their bytes is {@link Bounded#cut()}.
     */
    Bounded readAfterBounded(SessionId session, long afterSeq, int limit, long maxBytes) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(READ_AFTER_BOUNDED)) {
            s.setString(1, session.value());
            s.setLong(2, afterSeq);
            s.setInt(3, limit);
            s.setLong(4, maxBytes);
            try (ResultSet rs = s.executeQuery()) {
                List<EventRow> rows = new ArrayList<>(Math.min(limit, 64));
                long candidates = 0;
                while (rs.next()) {
                    rows.add(new EventRow(rs.getLong(1), rs.getString(2), rs.getBytes(3), instant(rs.getLong(4))));
                    candidates = rs.getLong(5);
                }
                return new Bounded(rows, candidates > rows.size());
            }
        } catch (SQLException e) {
            throw Failures.translate("read events", e);
        }
    }

    long maxReadBytes() {
        return maxReadBytes;
    }

    /** Reads for a feed's pump (bounded by bytes too), waiting for one of the few pump permits. */
    List<EventRow> readAfterQueued(SessionId session, long afterSeq, int limit) throws InterruptedException {
        pumpPermits.acquire();
        try {
            return readAfterBounded(session, afterSeq, limit, maxReadBytes).rows();
        } finally {
            pumpPermits.release();
        }
    }

    /** The last seq of one session, -1 when it does not exist. */
    long lastSeq(SessionId session) {
        return lastSeqs(List.of(session)).getOrDefault(session, -1L);
    }

    /**
     * Rows after {@code afterSeq} together with the session's last seq as of the same snapshot
     * (-1 when there is no such session), so that a reader knows whether it has caught up.
     */
    record Page(List<EventRow> rows, long lastSeq) {
    }

    /**
     * Reads a page for one subscriber — at most {@code limit} rows and, past the first, at most the
     * configured bytes — waiting for one of the few read permits so that a reconnect storm queues
     * here instead of exhausting the connection pool.
     */
    Page readPageQueued(SessionId session, long afterSeq, int limit) throws InterruptedException {
        readPermits.acquire();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(READ_PAGE)) {
            s.setLong(1, afterSeq);
            s.setInt(2, limit);
            s.setLong(3, maxReadBytes);
            s.setString(4, session.value());
            try (ResultSet rs = s.executeQuery()) {
                List<EventRow> rows = new ArrayList<>();
                long lastSeq = -1;
                while (rs.next()) {
                    lastSeq = rs.getLong(1);
                    long seq = rs.getLong(2);
                    if (!rs.wasNull()) {
                        rows.add(new EventRow(seq, rs.getString(3), rs.getBytes(4), instant(rs.getLong(5))));
                    }
                }
                // The lateral subquery yields its rows in seq order; make sure rather than sort in SQL.
                for (int i = 1; i < rows.size(); i++) {
                    if (rows.get(i).seq() < rows.get(i - 1).seq()) {
                        rows.sort(java.util.Comparator.comparingLong(EventRow::seq));
                        break;
                    }
                }
                return new Page(rows, lastSeq);
            }
        } catch (SQLException e) {
            throw Failures.translate("read events", e);
        } finally {
            readPermits.release();
        }
    }

    static List<EventRow> readAfter(Connection c, SessionId session, long afterSeq, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(READ_AFTER)) {
            s.setString(1, session.value());
            s.setLong(2, afterSeq);
            s.setInt(3, limit);
            s.setFetchSize(Math.min(limit, 1000));
            try (ResultSet rs = s.executeQuery()) {
                List<EventRow> rows = new ArrayList<>(Math.min(limit, 64));
                while (rs.next()) {
                    rows.add(new EventRow(rs.getLong(1), rs.getString(2), rs.getBytes(3), instant(rs.getLong(4))));
                }
                return rows;
            }
        }
    }

    /** Every row of {@code session} whose type is one of {@code types}, in seq order. */
    List<EventRow> readOfTypes(SessionId session, String[] types) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(READ_OF_TYPES)) {
            s.setString(1, session.value());
            s.setArray(2, c.createArrayOf("text", types));
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
                List<EventRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new EventRow(rs.getLong(1), rs.getString(2), rs.getBytes(3), instant(rs.getLong(4))));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw Failures.translate("read events", e);
        }
    }

    /** A row with the session it belongs to. */
    record SessionRow(SessionId session, EventRow row) {
    }

    /** Rows of the tenant window this many at a time: a year of metered events never sits in memory at once. */
    private static final int WINDOW_FETCH = 16;

    /**
     * See {@link dev.opencomputer.eventlog.EventLog#readTenantWindow}; {@code active} are the status wire
     * names. Streams the rows to {@code each} through a cursor (pgjdbc fetches a few rows at a time only
     * inside a transaction), in one snapshot.
     */
    void readTenantWindow(TenantId tenant, Instant from, Instant to, String[] active, String[] types,
            java.util.function.Consumer<SessionRow> each) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(READ_TENANT_WINDOW)) {
                c.setReadOnly(true);
                s.setString(1, tenant.value());
                s.setTimestamp(2, Timestamp.from(to));
                s.setTimestamp(3, Timestamp.from(from));
                s.setArray(4, c.createArrayOf("text", active));
                s.setTimestamp(5, Timestamp.from(to));
                s.setArray(6, c.createArrayOf("text", types));
                s.setFetchSize(WINDOW_FETCH);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        each.accept(new SessionRow(SessionId.parse(rs.getString(1)), new EventRow(rs.getLong(2),
                                rs.getString(3), rs.getBytes(4), instant(rs.getLong(5)))));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setReadOnly(false);
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Failures.translate("read events", e);
        }
    }

    /** An instant from microseconds since the epoch (cheaper to read than a timestamp's text). */
    static Instant instant(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000);
    }

    /** The last seq of every session of {@code sessions} that exists. */
    Map<SessionId, Long> lastSeqs(Collection<SessionId> sessions) {
        String[] ids = sessions.stream().map(SessionId::value).toArray(String[]::new);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LAST_SEQS)) {
            Array array = c.createArrayOf("text", ids);
            s.setArray(1, array);
            Map<SessionId, Long> seqs = new HashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    seqs.put(SessionId.parse(rs.getString(1)), rs.getLong(2));
                }
            }
            return seqs;
        } catch (SQLException e) {
            throw Failures.translate("poll last seqs", e);
        }
    }

    /** Columns of rows to insert, in parallel arrays. */
    record Rows(String[] sessions, Long[] seqs, String[] types, String[] data) {
    }

    /**
     * Inserts {@code rows} and, in the same statement, sends one NOTIFY per 7.8 kB of
     * {@code <session>:<last seq>} pairs: one NOTIFY per transaction in practice.
     */
    static void insertAndNotify(Connection c, Rows rows, Instant time, Map<SessionId, Long> lastSeqs)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT_AND_NOTIFY)) {
            s.setObject(1, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
            s.setArray(2, c.createArrayOf("text", rows.sessions()));
            s.setArray(3, c.createArrayOf("bigint", rows.seqs()));
            s.setArray(4, c.createArrayOf("text", rows.types()));
            s.setArray(5, c.createArrayOf("text", rows.data()));
            s.setArray(6, c.createArrayOf("text", payloads(lastSeqs).toArray(String[]::new)));
            s.executeQuery().close();
        }
    }

    static List<String> payloads(Map<SessionId, Long> lastSeqs) {
        List<String> payloads = new ArrayList<>(1);
        StringBuilder payload = new StringBuilder();
        for (Map.Entry<SessionId, Long> entry : lastSeqs.entrySet()) {
            String pair = entry.getKey().value() + ":" + entry.getValue();
            if (payload.length() + pair.length() + 1 > MAX_PAYLOAD) {
                payloads.add(payload.toString());
                payload.setLength(0);
            }
            if (!payload.isEmpty()) {
                payload.append(' ');
            }
            payload.append(pair);
        }
        if (!payload.isEmpty()) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    /** Parses a NOTIFY payload into (session, seq) pairs, skipping anything malformed. */
    static Map<SessionId, Long> parsePayload(String payload) {
        Map<SessionId, Long> seqs = new HashMap<>();
        if (payload == null) {
            return seqs;
        }
        for (String pair : payload.split(" ")) {
            int colon = pair.indexOf(':');
            if (colon < 0 || !SessionId.isValid(pair.substring(0, colon))) {
                continue;
            }
            try {
                seqs.merge(SessionId.parse(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)), Math::max);
            } catch (NumberFormatException ignored) {
                // someone else's payload on our channel; the safety poll covers anything we miss
            }
        }
        return seqs;
    }
}
