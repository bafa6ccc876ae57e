package dev.opencomputer.brain.postgres;

import dev.opencomputer.brain.Lease;
import dev.opencomputer.brain.SessionLeases;
import dev.opencomputer.brain.TenantRunLimit;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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

    /*
     * The claim under a per-tenant cap. The inner SELECT passes over tenants already at their cap
     * (their live leases: pending or running sessions whose lease has not expired); the outer ranking
     * keeps one batch from taking more of a tenant's sessions than its free slots. The transaction
     * first takes an advisory lock so that claims of different workers, which would each count the
     * same free slots, follow one another (a claim takes milliseconds).
     */
    private static final String CAPPED_CLAIM = """
            WITH cand AS (
                SELECT c.id, c.tenant_id, c.lease_expires_at, (%1$s) AS cap,
                       (SELECT count(*) FROM sessions r
                         WHERE r.tenant_id = c.tenant_id AND r.status IN ('pending', 'running')
                           AND r.lease_expires_at >= clock_timestamp()) AS live
                  FROM sessions c
                 WHERE c.status IN ('pending', 'running')
                   AND (c.lease_expires_at IS NULL OR c.lease_expires_at < clock_timestamp())
                   AND ((%1$s) IS NULL OR (SELECT count(*) FROM sessions r
                         WHERE r.tenant_id = c.tenant_id AND r.status IN ('pending', 'running')
                           AND r.lease_expires_at >= clock_timestamp()) < (%1$s))
                 ORDER BY c.lease_expires_at NULLS FIRST
                 LIMIT ? FOR UPDATE OF c SKIP LOCKED),
            ranked AS (
                SELECT id, lease_expires_at, cap, live,
                       row_number() OVER (PARTITION BY tenant_id ORDER BY lease_expires_at NULLS FIRST, id) AS k
                  FROM cand)
            UPDATE sessions s
               SET lease_owner = ?, lease_expires_at = clock_timestamp() + ? * interval '1 millisecond',
                   lease_token = s.lease_token + 1
              FROM (SELECT id FROM ranked WHERE cap IS NULL OR live + k <= cap) w
             WHERE s.id = w.id
            RETURNING s.id, s.lease_token, s.status, s.last_seq""";
    /** Any constant shared by every claimer: serialises capped claims. */
    private static final long CLAIM_LOCK = 0x6f63_636c_6169_6dL;

    private final JdbcTemplate jdbc;
    private final TenantRunLimit tenantLimit;

    /** Leases without a per-tenant cap. */
    public PostgresSessionLeases(DataSource dataSource) {
        this(dataSource, null);
    }

    /** Leases whose claims respect {@code tenantLimit} (null: no cap). */
    public PostgresSessionLeases(DataSource dataSource, TenantRunLimit tenantLimit) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(dataSource, "dataSource"));
        this.tenantLimit = tenantLimit;
    }

    @Override
    public List<Lease> claim(String owner, int limit, Duration duration) {
        Objects.requireNonNull(owner, "owner");
        if (limit < 1) {
            return List.of();
        }
        if (tenantLimit != null) {
            return jdbc.execute((ConnectionCallback<List<Lease>>) c -> cappedClaim(c, owner, limit, duration));
        }
        return jdbc.query(CLAIM, (rs, row) -> new Lease(SessionId.parse(rs.getString(1)), rs.getLong(2),
                SessionStatus.parse(rs.getString(3)), rs.getLong(4)), owner, duration.toMillis(), limit);
    }

    private List<Lease> cappedClaim(Connection c, String owner, int limit, Duration duration) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, CLAIM_LOCK);
                lock.execute();
            }
            List<Lease> claimed = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(CAPPED_CLAIM.formatted(tenantLimit.sql()))) {
                int i = 1;
                for (int use = 0; use < 3; use++) {
                    for (Object param : tenantLimit.params()) {
                        s.setObject(i++, param);
                    }
                }
                s.setInt(i++, limit);
                s.setString(i++, owner);
                s.setLong(i, duration.toMillis());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new Lease(SessionId.parse(rs.getString(1)), rs.getLong(2),
                                SessionStatus.parse(rs.getString(3)), rs.getLong(4)));
                    }
                }
            }
            c.commit();
            return claimed;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
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
