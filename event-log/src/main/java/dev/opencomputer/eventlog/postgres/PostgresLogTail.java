package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.LogTail;
import dev.opencomputer.eventlog.TailedSession;
import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * {@link LogTail} on {@code log_cursors}: sessions whose {@code last_seq} is beyond the
 * consumer's cursor, with their next events read in the same statement — each session's bounded by
 * bytes as well as by count, so that sessions of large events cannot fill the heap.
 */
final class PostgresLogTail implements LogTail {

    private static final String PENDING = """
            SELECT p.id, p.tenant_id, p.agent_id, e.seq, e.type, e.data::text,
                   (extract(epoch FROM e.created_at) * 1000000)::bigint
            FROM (SELECT s.id, s.tenant_id, s.agent_id, coalesce(c.seq, 0) AS after
                  FROM sessions s LEFT JOIN log_cursors c ON c.consumer = ? AND c.session_id = s.id
                  WHERE s.last_seq > coalesce(c.seq, 0)
                  ORDER BY s.updated_at LIMIT ?) p
            JOIN LATERAL (SELECT seq, type, data, created_at FROM (
                              SELECT seq, type, data, created_at, coalesce(data_bytes, pg_column_size(data)) AS own,
                                     sum(coalesce(data_bytes, pg_column_size(data)))
                                         OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) AS upto
                                FROM (SELECT * FROM session_events WHERE session_id = p.id AND seq > p.after
                                       ORDER BY seq LIMIT ?) l) b
                          WHERE upto <= ? OR upto = own) e ON true
            ORDER BY p.id, e.seq""";
    private static final String ADVANCE = """
            INSERT INTO log_cursors (consumer, session_id, seq)
            SELECT ?, s, q FROM unnest(?::text[], ?::bigint[]) AS u(s, q)
            WHERE EXISTS (SELECT 1 FROM sessions WHERE id = u.s)
            ON CONFLICT (consumer, session_id) DO UPDATE SET seq = greatest(log_cursors.seq, excluded.seq)""";

    private final DataSource dataSource;
    private final EventJson json;
    private final List<Runnable> wakes = new CopyOnWriteArrayList<>();
    private final long maxReadBytes;

    /**
     * @param maxReadBytes most event data one {@link #pending} call reads, shared out among its
     *     sessions (each still gets its next event, however large, so that it makes progress)
     */
    PostgresLogTail(DataSource dataSource, EventJson json, long maxReadBytes) {
        this.dataSource = dataSource;
        this.json = json;
        this.maxReadBytes = maxReadBytes;
    }

    @Override
    public List<TailedSession> pending(String consumer, int maxSessions, int maxEvents) {
        if (maxSessions < 1 || maxEvents < 1) {
            throw new IllegalArgumentException("maxSessions and maxEvents must be 1 or more");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(PENDING)) {
            s.setString(1, consumer);
            s.setInt(2, maxSessions);
            s.setInt(3, maxEvents);
            s.setLong(4, Math.max(1, maxReadBytes / maxSessions));
            List<TailedSession> sessions = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                String current = null;
                TenantId tenant = null;
                AgentId agent = null;
                List<TailedSession.Event> events = new ArrayList<>();
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (!id.equals(current)) {
                        if (current != null) {
                            sessions.add(new TailedSession(SessionId.parse(current), tenant, agent, events));
                        }
                        current = id;
                        tenant = TenantId.parse(rs.getString(2));
                        agent = AgentId.parse(rs.getString(3));
                        events = new ArrayList<>();
                    }
                    long seq = rs.getLong(4);
                    String type = rs.getString(5);
                    var time = EventTable.instant(rs.getLong(7));
                    byte[] data = rs.getBytes(6);
                    SessionId session = SessionId.parse(id);
                    events.add(new TailedSession.Event(seq, type, time,
                            () -> new String(json.envelopeUtf8(session, seq, type, time, data), StandardCharsets.UTF_8)));
                }
                if (current != null) {
                    sessions.add(new TailedSession(SessionId.parse(current), tenant, agent, events));
                }
            }
            return sessions;
        } catch (SQLException e) {
            throw Failures.translate("read the log tail", e);
        }
    }

    @Override
    public void advance(String consumer, Map<SessionId, Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        String[] ids = new String[seqs.size()];
        Long[] values = new Long[seqs.size()];
        int i = 0;
        for (Map.Entry<SessionId, Long> entry : seqs.entrySet()) {
            ids[i] = entry.getKey().value();
            values[i++] = entry.getValue();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ADVANCE)) {
            s.setString(1, consumer);
            s.setArray(2, c.createArrayOf("text", ids));
            s.setArray(3, c.createArrayOf("bigint", values));
            s.executeUpdate();
        } catch (SQLException e) {
            throw Failures.translate("advance a log cursor", e);
        }
    }

    @Override
    public AutoCloseable onCommit(Runnable wake) {
        wakes.add(wake);
        return () -> wakes.remove(wake);
    }

    /** Called by the log when events may have been committed. */
    void committed() {
        for (Runnable wake : wakes) {
            wake.run();
        }
    }
}
