package dev.opencomputer.brain.postgres;

import dev.opencomputer.brain.Lease;
import dev.opencomputer.brain.SessionLeases;
import dev.opencomputer.brain.TenantRunCaps;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
     * The claim under per-tenant caps, given as arrays (tenant, cap; a null cap: none) for the tenants
     * with runnable sessions; sessions of tenants not in the arrays wait for the next claim. Work is per
     * tenant, through sessions_tenant_runnable_idx: first each tenant's free slots (its cap less its live
     * leases: pending or running sessions whose lease has not expired, counted once per tenant), then, for
     * the tenants with a free slot only, at most that many of their runnable sessions (SKIP LOCKED). A
     * tenant at its cap costs one count of its live leases; its pending backlog is never read. The batch
     * is the oldest of those candidates. The transaction first takes an advisory lock so that claims of
     * different workers, which would each count the same free slots, follow one another.
     */
    private static final String CAPPED_CLAIM = """
            WITH slots AS (
                SELECT k.tenant_id,
                       CASE WHEN k.cap IS NULL THEN ?
                            ELSE least(?, k.cap - (SELECT count(*) FROM sessions r
                                 WHERE r.tenant_id = k.tenant_id AND r.status IN ('pending', 'running')
                                   AND r.lease_expires_at >= clock_timestamp())) END AS free
                  FROM unnest(?::text[], ?::integer[]) AS k(tenant_id, cap)),
            cand AS (
                SELECT c.id, c.lease_expires_at
                  FROM slots f CROSS JOIN LATERAL (
                       SELECT id, lease_expires_at FROM sessions
                        WHERE tenant_id = f.tenant_id AND status IN ('pending', 'running')
                          AND (lease_expires_at IS NULL OR lease_expires_at < clock_timestamp())
                        ORDER BY lease_expires_at NULLS FIRST
                        LIMIT f.free FOR UPDATE SKIP LOCKED) c
                 WHERE f.free > 0)
            UPDATE sessions s
               SET lease_owner = ?, lease_expires_at = clock_timestamp() + ? * interval '1 millisecond',
                   lease_token = s.lease_token + 1
              FROM (SELECT id FROM cand ORDER BY lease_expires_at NULLS FIRST, id LIMIT ?) w
             WHERE s.id = w.id
            RETURNING s.id, s.lease_token, s.status, s.last_seq""";
    /*
     * The tenants with runnable sessions, by a skip scan of sessions_tenant_runnable_idx: one index
     * probe per tenant (the first runnable row after the previous tenant), not one row per session.
     */
    static final String RUNNABLE_TENANTS = """
            WITH RECURSIVE t(tenant_id) AS (
                (SELECT tenant_id FROM sessions
                  WHERE status IN ('pending', 'running')
                    AND (lease_expires_at IS NULL OR lease_expires_at < clock_timestamp())
                  ORDER BY tenant_id LIMIT 1)
                UNION ALL
                SELECT (SELECT n.tenant_id FROM sessions n
                         WHERE n.tenant_id > t.tenant_id AND n.status IN ('pending', 'running')
                           AND (n.lease_expires_at IS NULL OR n.lease_expires_at < clock_timestamp())
                         ORDER BY n.tenant_id LIMIT 1)
                  FROM t WHERE t.tenant_id IS NOT NULL)
            SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL""";
    /* Idle-like sessions (idle, waiting) for the sweeper: re-checked under the row lock, so a session that got a message is passed over. */
    private static final String CLAIM_IDLE = """
            UPDATE sessions s
               SET lease_owner = ?, lease_expires_at = clock_timestamp() + ? * interval '1 millisecond',
                   lease_token = s.lease_token + 1
              FROM (SELECT id FROM sessions
                     WHERE id = ANY(?::text[]) AND status IN ('idle', 'waiting', 'exhausted') AND updated_at < ?
                       AND (lease_expires_at IS NULL OR lease_expires_at < clock_timestamp())
                     FOR UPDATE SKIP LOCKED) c
             WHERE s.id = c.id
            RETURNING s.id, s.lease_token, s.status, s.last_seq""";
    /** Any constant shared by every claimer: serialises capped claims. */
    private static final long CLAIM_LOCK = 0x6f63_636c_6169_6dL;

    private final JdbcTemplate jdbc;
    private final TenantRunCaps caps;

    /** Leases without a per-tenant cap. */
    public PostgresSessionLeases(DataSource dataSource) {
        this(dataSource, TenantRunCaps.NONE);
    }

    /** Leases whose claims respect {@code caps} ({@link TenantRunCaps#NONE}: no cap). */
    public PostgresSessionLeases(DataSource dataSource, TenantRunCaps caps) {
        this.jdbc = new JdbcTemplate(Objects.requireNonNull(dataSource, "dataSource"));
        this.caps = Objects.requireNonNull(caps, "caps");
    }

    @Override
    public List<Lease> claim(String owner, int limit, Duration duration) {
        Objects.requireNonNull(owner, "owner");
        if (limit < 1) {
            return List.of();
        }
        if (caps == TenantRunCaps.NONE) {
            return jdbc.query(CLAIM, (rs, row) -> lease(rs), owner, duration.toMillis(), limit);
        }
        // the caps are asked for before the claim's transaction: the port may need a connection of its own
        Set<TenantId> tenants = new LinkedHashSet<>(jdbc.query(RUNNABLE_TENANTS,
                (rs, row) -> TenantId.parse(rs.getString(1))));
        if (tenants.isEmpty()) {
            return List.of();
        }
        Map<TenantId, Integer> known = caps.capsOf(tenants);
        String[] ids = new String[tenants.size()];
        Integer[] limits = new Integer[tenants.size()];
        int i = 0;
        for (TenantId tenant : tenants) {
            ids[i] = tenant.value();
            limits[i++] = known.get(tenant);
        }
        return jdbc.execute((ConnectionCallback<List<Lease>>) c -> cappedClaim(c, owner, limit, duration, ids,
                limits));
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        return new Lease(SessionId.parse(rs.getString(1)), rs.getLong(2), SessionStatus.parse(rs.getString(3)),
                rs.getLong(4));
    }

    private static List<Lease> cappedClaim(Connection c, String owner, int limit, Duration duration, String[] tenants,
            Integer[] limits) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, CLAIM_LOCK);
                lock.execute();
            }
            List<Lease> claimed = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(CAPPED_CLAIM)) {
                s.setInt(1, limit);
                s.setInt(2, limit);
                s.setArray(3, c.createArrayOf("text", tenants));
                s.setArray(4, c.createArrayOf("integer", limits));
                s.setString(5, owner);
                s.setLong(6, duration.toMillis());
                s.setInt(7, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(lease(rs));
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
    public List<Lease> claimIdle(String owner, Collection<SessionId> sessions, Instant idleBefore, Duration duration) {
        Objects.requireNonNull(owner, "owner");
        if (sessions.isEmpty()) {
            return List.of();
        }
        String[] ids = sessions.stream().map(SessionId::value).toArray(String[]::new);
        return jdbc.execute((ConnectionCallback<List<Lease>>) c -> {
            try (PreparedStatement s = c.prepareStatement(CLAIM_IDLE)) {
                s.setString(1, owner);
                s.setLong(2, duration.toMillis());
                s.setArray(3, c.createArrayOf("text", ids));
                s.setTimestamp(4, Timestamp.from(idleBefore));
                List<Lease> claimed = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(lease(rs));
                    }
                }
                return claimed;
            }
        });
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
