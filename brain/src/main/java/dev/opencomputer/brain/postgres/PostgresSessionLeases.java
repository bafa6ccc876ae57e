package dev.opencomputer.brain.postgres;

import dev.opencomputer.brain.Lease;
import dev.opencomputer.brain.SessionLeases;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link SessionLeases} on the lease columns of the event log's {@code sessions} table
 * ({@code lease_owner}, {@code lease_expires_at}, {@code lease_token}). Each operation is one
 * statement in its own transaction; expiry uses the database's {@code clock_timestamp()}.
 */
public final class PostgresSessionLeases implements SessionLeases {

    /*
     * The inner SELECT takes the row locks (SKIP LOCKED: rows another claimer or an appending
     * committer holds are passed over, not waited for); Postgres re-checks its WHERE against the
     * latest row version, so a session that stopped being runnable is not claimed. Pending
     * sessions have no lease and come first (the partial index sessions_runnable_idx serves the
     * order).
     */
    private static final String CLAIM = """
            UPDATE sessions s
               SET lease_owner = ?, lease_expires_at = clock_timestamp() + ? * interval '1 millisecond',
                   lease_token = s.lease_token + 1
              FROM (SELECT id FROM sessions
                     WHERE status IN ('pending', 'running')
                       AND (lease_expires_at IS NULL OR lease_expires_at < clock_timestamp())
                     ORDER BY lease_expires_at NULLS FIRST
                     LIMIT ? FOR UPDATE SKIP LOCKED) c
             WHERE s.id = c.id
            RETURNING s.id, s.lease_token, s.status, s.last_seq""";
    private static final String RENEW = """
            UPDATE sessions s SET lease_expires_at = clock_timestamp() + ? * interval '1 millisecond'
              FROM unnest(?::text[], ?::bigint[]) AS l(id, token)
             WHERE s.id = l.id AND s.lease_token = l.token AND s.lease_owner = ?
            RETURNING s.id""";
    private static final String RELEASE = """
            UPDATE sessions SET lease_owner = NULL, lease_expires_at = NULL
             WHERE id = ? AND lease_token = ? AND lease_owner = ?""";

    private final JdbcTemplate jdbc;

    public PostgresSessionLeases(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public List<Lease> claim(String owner, int limit, Duration duration) {
        Objects.requireNonNull(owner, "owner");
        if (limit < 1) {
            return List.of();
        }
        return jdbc.query(CLAIM, (rs, row) -> new Lease(SessionId.parse(rs.getString(1)), rs.getLong(2),
                SessionStatus.parse(rs.getString(3)), rs.getLong(4)), owner, duration.toMillis(), limit);
    }

    @Override
    public Set<SessionId> renew(String owner, Collection<Lease> leases, Duration duration) {
        Objects.requireNonNull(owner, "owner");
        if (leases.isEmpty()) {
            return Set.of();
        }
        String[] ids = new String[leases.size()];
        Long[] tokens = new Long[leases.size()];
        int i = 0;
        for (Lease lease : leases) {
            ids[i] = lease.sessionId().value();
            tokens[i++] = lease.token();
        }
        return jdbc.execute((ConnectionCallback<Set<SessionId>>) c -> renew(c, owner, ids, tokens, duration));
    }

    private static Set<SessionId> renew(Connection c, String owner, String[] ids, Long[] tokens, Duration duration)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(RENEW)) {
            Array idArray = c.createArrayOf("text", ids);
            Array tokenArray = c.createArrayOf("bigint", tokens);
            s.setLong(1, duration.toMillis());
            s.setArray(2, idArray);
            s.setArray(3, tokenArray);
            s.setString(4, owner);
            Set<SessionId> held = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    held.add(SessionId.parse(rs.getString(1)));
                }
            }
            return held;
        }
    }

    @Override
    public boolean release(String owner, Lease lease) {
        return jdbc.update(RELEASE, lease.sessionId().value(), lease.token(), owner) == 1;
    }
}
