package dev.opencomputer.server.usage;

import dev.opencomputer.session.TenantId;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A tenant's usage, derived from the event log rather than kept in a table of its own: the log is
 * already the durable, append-only record of every run's start and end, written in the same
 * transaction as the status, so the figures can never disagree with what happened and need no
 * second write on the hot path. A run is in progress from {@code run.started} (or a
 * {@code runtime.restarted} that resumes one) until {@code session.idle}, {@code run.cancelled},
 * {@code run.stuck}, {@code session.failed} or {@code session.closed}; a run still in progress
 * counts until now. Tokens are the {@code usage} of each {@code agent.message} appended in the range.
 */
@Component
public class Usage {

    private static final String EVENTS = """
            SELECT e.session_id, e.type, e.created_at,
                   coalesce((e.data->'usage'->>'inputTokens')::bigint, 0),
                   coalesce((e.data->'usage'->>'outputTokens')::bigint, 0),
                   coalesce((e.data->'usage'->>'cacheReadInputTokens')::bigint, 0),
                   coalesce((e.data->'usage'->>'cacheCreationInputTokens')::bigint, 0)
              FROM sessions s JOIN session_events e ON e.session_id = s.id
             WHERE s.tenant_id = ? AND s.created_at < ? AND (s.updated_at >= ? OR s.status IN ('pending', 'running'))
               AND e.created_at < ?
               AND e.type IN ('run.started', 'runtime.restarted', 'session.idle', 'run.cancelled', 'run.stuck',
                              'session.failed', 'session.closed', 'agent.message')
             ORDER BY e.session_id, e.seq""";

    private final JdbcClient jdbc;
    private final Clock clock;

    Usage(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private record Row(String session, String type, Instant at, long input, long output, long cacheRead,
            long cacheCreation) {
    }

    private static final class Tally {
        final String session;
        long runningMillis;
        long calls;
        long input;
        long output;
        long cacheRead;
        long cacheCreation;
        Instant runningSince;

        Tally(String session) {
            this.session = session;
        }

        SessionUsage view() {
            return new SessionUsage(session, runningMillis / 1000.0, calls, input, output, cacheRead, cacheCreation);
        }
    }

    /** The tenant's usage in {@code [from, to)}. */
    public UsageReport report(TenantId tenant, Instant from, Instant to) {
        Instant now = clock.instant();
        Instant end = to.isAfter(now) ? now : to;
        List<Row> rows = jdbc.sql(EVENTS)
                .params(tenant.value(), Timestamp.from(to), Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)))
                .list();
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (Row row : rows) {
            Tally tally = tallies.computeIfAbsent(row.session(), Tally::new);
            switch (row.type()) {
                case "run.started", "runtime.restarted" -> {
                    if (tally.runningSince == null) {
                        tally.runningSince = row.at();
                    }
                }
                case "agent.message" -> {
                    if (!row.at().isBefore(from)) {
                        tally.calls++;
                        tally.input += row.input();
                        tally.output += row.output();
                        tally.cacheRead += row.cacheRead();
                        tally.cacheCreation += row.cacheCreation();
                    }
                }
                default -> {
                    if (tally.runningSince != null) {
                        tally.runningMillis += overlap(tally.runningSince, row.at(), from, end);
                        tally.runningSince = null;
                    }
                }
            }
        }
        List<SessionUsage> sessions = new ArrayList<>();
        Tally total = new Tally(null);
        for (Tally tally : tallies.values()) {
            if (tally.runningSince != null) {
                tally.runningMillis += overlap(tally.runningSince, end, from, end);
            }
            if (tally.runningMillis == 0 && tally.calls == 0) {
                continue;
            }
            sessions.add(tally.view());
            total.runningMillis += tally.runningMillis;
            total.calls += tally.calls;
            total.input += tally.input;
            total.output += tally.output;
            total.cacheRead += tally.cacheRead;
            total.cacheCreation += tally.cacheCreation;
        }
        return new UsageReport(from, to, sessions, total.view());
    }

    private static long overlap(Instant start, Instant stop, Instant from, Instant to) {
        Instant a = start.isBefore(from) ? from : start;
        Instant b = stop.isAfter(to) ? to : stop;
        return b.isAfter(a) ? b.toEpochMilli() - a.toEpochMilli() : 0;
    }
}
