package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.webhooks.DeliveryAttempt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dispatcher's work on {@code webhook_messages}: inserting derived messages (once per
 * endpoint and event, whatever is re-derived), claiming due ones with a lease (several dispatchers
 * skip each other's rows), and recording what attempts came to, many at a time.
 */
final class MessageQueue {

    private static final String INSERT = """
            INSERT INTO webhook_messages (id, endpoint_id, tenant_id, session_id, event_seq, event_type, body, status,
                next_attempt_at, lease_owner, lease_expires_at, claim_token, created_at, updated_at)
            SELECT i, e, t, s, q, y, b, 'pending', n, CASE WHEN l THEN o END, CASE WHEN l THEN x END,
                CASE WHEN l THEN 1 ELSE 0 END, c, c
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[]::timestamptz[],
                    ?::boolean[]) AS u(i, e, t, s, q, y, b, n, l),
                (SELECT ?::timestamptz AS c, ?::text AS o, ?::timestamptz AS x) now
            ON CONFLICT (endpoint_id, session_id, event_seq) DO NOTHING
            RETURNING id, lease_owner IS NOT NULL""";
    private static final String CANDIDATES = """
            SELECT m.id, m.endpoint_id FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
            WHERE m.status = 'pending' AND m.next_attempt_at <= ?
              AND (m.lease_expires_at IS NULL OR m.lease_expires_at < ?)
              AND e.disabled_at IS NULL AND NOT (m.endpoint_id = ANY (?))
            ORDER BY m.next_attempt_at LIMIT ?
            FOR UPDATE OF m SKIP LOCKED""";
    private static final String LEASE = """
            UPDATE webhook_messages m SET lease_owner = ?, lease_expires_at = ?, claim_token = claim_token + 1
            FROM webhook_endpoints e
            WHERE m.id = ANY (?) AND e.id = m.endpoint_id
            RETURNING m.id, m.endpoint_id, m.tenant_id, m.session_id, m.event_seq, m.event_type, m.body, m.attempts,
                m.claim_token, e.url, e.secret_version, e.previous_secret_until""";
    private static final String INSERT_ATTEMPTS = """
            INSERT INTO webhook_attempts (message_id, attempt, started_at, duration_ms, status_code, response_body, error,
                dispatcher)
            SELECT m, a, s, d, c, r, x, ? FROM unnest(?::text[], ?::int[], ?::text[]::timestamptz[], ?::int[], ?::int[],
                ?::text[], ?::text[]) AS u(m, a, s, d, c, r, x)
            WHERE EXISTS (SELECT 1 FROM webhook_messages WHERE id = u.m)""";
    private static final String SETTLE = """
            UPDATE webhook_messages m SET status = u.st, attempts = greatest(m.attempts, u.a), next_attempt_at = u.n,
                delivered_at = CASE WHEN u.st = 'delivered' THEN ?::timestamptz ELSE m.delivered_at END,
                failed_at = CASE WHEN u.st = 'failed' THEN ?::timestamptz ELSE m.failed_at END,
                lease_owner = NULL, lease_expires_at = NULL, updated_at = ?::timestamptz
            FROM unnest(?::text[], ?::bigint[], ?::text[], ?::int[], ?::text[]::timestamptz[]) AS u(i, k, st, a, n)
            WHERE m.id = u.i AND m.claim_token = u.k""";

    private final DataSource dataSource;
    private final TransactionTemplate transactions;

    MessageQueue(DataSource dataSource) {
        this.dataSource = dataSource;
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
    }

    /** A message to insert; {@code leased}: with a lease to the inserting dispatcher (claim token 1). */
    record NewMessage(String id, String endpointId, String tenantId, String sessionId, Long eventSeq, String type,
            String body, Instant dueAt, boolean leased) {
    }

    /** A message this dispatcher holds the lease of, with what it needs to deliver it. */
    record Claimed(String id, String endpointId, String tenantId, String sessionId, Long eventSeq, String type,
            String body, int attempt, long claimToken, String url, int secretVersion, Instant previousSecretUntil) {
    }

    /** What to make of an attempt: the message's new status and, while pending, when it is next due. */
    record Settlement(Claimed message, DeliveryAttempt attempt, String status, Instant nextAttemptAt) {
    }

    /**
     * Inserts the messages not stored yet (a repeat of an (endpoint, event) is dropped), those
     * marked {@code leased} leased to {@code owner} until {@code leaseUntil} in the same statement.
     *
     * @return the ids of the messages this call inserted with a lease: this dispatcher holds them now
     */
    Set<String> insert(List<NewMessage> messages, Instant now, String owner, Instant leaseUntil) {
        if (messages.isEmpty()) {
            return Set.of();
        }
        int n = messages.size();
        String[] ids = new String[n], endpoints = new String[n], tenants = new String[n], sessions = new String[n],
                types = new String[n], bodies = new String[n];
        Long[] seqs = new Long[n];
        String[] due = new String[n];
        Boolean[] leased = new Boolean[n];
        for (int i = 0; i < n; i++) {
            NewMessage m = messages.get(i);
            ids[i] = m.id();
            endpoints[i] = m.endpointId();
            tenants[i] = m.tenantId();
            sessions[i] = m.sessionId();
            seqs[i] = m.eventSeq();
            types[i] = m.type();
            bodies[i] = m.body();
            due[i] = m.dueAt().toString();
            leased[i] = m.leased();
        }
        return execute(c -> {
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                s.setArray(1, c.createArrayOf("text", ids));
                s.setArray(2, c.createArrayOf("text", endpoints));
                s.setArray(3, c.createArrayOf("text", tenants));
                s.setArray(4, c.createArrayOf("text", sessions));
                s.setArray(5, c.createArrayOf("bigint", seqs));
                s.setArray(6, c.createArrayOf("text", types));
                s.setArray(7, c.createArrayOf("text", bodies));
                s.setArray(8, c.createArrayOf("text", due));
                s.setArray(9, c.createArrayOf("boolean", leased));
                s.setTimestamp(10, Timestamp.from(now));
                s.setString(11, owner);
                s.setTimestamp(12, Timestamp.from(leaseUntil));
                Set<String> held = new java.util.HashSet<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getBoolean(2)) {
                            held.add(rs.getString(1));
                        }
                    }
                }
                return held;
            }
        });
    }

    /**
     * Leases up to {@code limit} due messages for {@code lease} to {@code owner}, at most
     * {@code freeSlots(endpoint)} per endpoint; endpoints in {@code saturated} are passed over.
     */
    List<Claimed> claim(String owner, int limit, Set<String> saturated, ToIntFunction<String> freeSlots,
            Instant now, Instant leaseUntil) {
        return transactions.execute(status -> execute(c -> {
            List<String> chosen = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(CANDIDATES)) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setTimestamp(2, Timestamp.from(now));
                s.setArray(3, c.createArrayOf("text", saturated.toArray()));
                s.setInt(4, limit);
                Map<String, Integer> taken = new HashMap<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String endpoint = rs.getString(2);
                        int already = taken.getOrDefault(endpoint, 0);
                        if (already < freeSlots.applyAsInt(endpoint)) {
                            taken.put(endpoint, already + 1);
                            chosen.add(rs.getString(1));
                        }
                    }
                }
            }
            if (chosen.isEmpty()) {
                return List.<Claimed>of();
            }
            List<Claimed> claimed = new ArrayList<>(chosen.size());
            try (PreparedStatement s = c.prepareStatement(LEASE)) {
                s.setString(1, owner);
                s.setTimestamp(2, Timestamp.from(leaseUntil));
                s.setArray(3, c.createArrayOf("text", chosen.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(5);
                        Long eventSeq = rs.wasNull() ? null : seq;
                        Timestamp previous = rs.getTimestamp(12);
                        claimed.add(new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                eventSeq, rs.getString(6), rs.getString(7), rs.getInt(8) + 1, rs.getLong(9),
                                rs.getString(10), rs.getInt(11), previous == null ? null : previous.toInstant()));
                    }
                }
            }
            return claimed;
        }));
    }

    /**
     * Records attempts and settles their messages in one transaction; a message whose lease was
     * taken over meanwhile (its claim token moved on) keeps its attempt but is not settled here.
     * Then updates the endpoints' failing periods: a success ends one, a failure starts one, an
     * endpoint failing for longer than {@code disableBefore} allows, or answering 410, is disabled.
     */
    void settle(String dispatcher, List<Settlement> settlements, Instant now, Instant failingSinceBefore) {
        if (settlements.isEmpty()) {
            return;
        }
        int n = settlements.size();
        String[] ids = new String[n], statuses = new String[n], responses = new String[n], errors = new String[n];
        Integer[] attempts = new Integer[n], durations = new Integer[n], codes = new Integer[n];
        Long[] tokens = new Long[n];
        String[] started = new String[n], next = new String[n];
        List<String> succeeded = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Settlement s = settlements.get(i);
            DeliveryAttempt a = s.attempt();
            ids[i] = s.message().id();
            tokens[i] = s.message().claimToken();
            statuses[i] = s.status();
            attempts[i] = a.attempt();
            next[i] = s.nextAttemptAt() == null ? null : s.nextAttemptAt().toString();
            started[i] = a.startedAt().toString();
            durations[i] = (int) Math.min(Integer.MAX_VALUE, a.durationMillis());
            codes[i] = a.statusCode();
            responses[i] = a.response() == null ? null : a.response().replace("\u0000", "");
            errors[i] = a.error();
            if (a.succeeded()) {
                succeeded.add(s.message().endpointId());
            } else {
                failed.add(s.message().endpointId());
                if (a.statusCode() != null && a.statusCode() == 410) {
                    gone.add(s.message().endpointId());
                }
            }
        }
        Timestamp at = Timestamp.from(now);
        transactions.executeWithoutResult(status -> execute(c -> {
            try (PreparedStatement s = c.prepareStatement(INSERT_ATTEMPTS)) {
                s.setString(1, dispatcher);
                s.setArray(2, c.createArrayOf("text", ids));
                s.setArray(3, c.createArrayOf("integer", attempts));
                s.setArray(4, c.createArrayOf("text", started));
                s.setArray(5, c.createArrayOf("integer", durations));
                s.setArray(6, c.createArrayOf("integer", codes));
                s.setArray(7, c.createArrayOf("text", responses));
                s.setArray(8, c.createArrayOf("text", errors));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(SETTLE)) {
                s.setTimestamp(1, at);
                s.setTimestamp(2, at);
                s.setTimestamp(3, at);
                s.setArray(4, c.createArrayOf("text", ids));
                s.setArray(5, c.createArrayOf("bigint", tokens));
                s.setArray(6, c.createArrayOf("text", statuses));
                s.setArray(7, c.createArrayOf("integer", attempts));
                s.setArray(8, c.createArrayOf("text", next));
                s.executeUpdate();
            }
            if (!succeeded.isEmpty()) {
                update(c, "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY (?) AND failing_since IS NOT NULL",
                        succeeded, null);
            }
            if (!failed.isEmpty()) {
                failed.removeAll(succeeded);
                update(c, "UPDATE webhook_endpoints SET failing_since = ? WHERE id = ANY (?) AND failing_since IS NULL",
                        failed, at);
                try (PreparedStatement s = c.prepareStatement("""
                        UPDATE webhook_endpoints SET disabled_at = ?, updated_at = ?,
                            disabled_reason = 'every attempt failed since ' || to_char(failing_since AT TIME ZONE 'UTC',
                                'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                        WHERE id = ANY (?) AND disabled_at IS NULL AND failing_since < ?""")) {
                    s.setTimestamp(1, at);
                    s.setTimestamp(2, at);
                    s.setArray(3, c.createArrayOf("text", failed.toArray()));
                    s.setTimestamp(4, Timestamp.from(failingSinceBefore));
                    s.executeUpdate();
                }
            }
            if (!gone.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("""
                        UPDATE webhook_endpoints SET disabled_at = ?, updated_at = ?,
                            disabled_reason = 'the endpoint answered 410 Gone'
                        WHERE id = ANY (?) AND disabled_at IS NULL""")) {
                    s.setTimestamp(1, at);
                    s.setTimestamp(2, at);
                    s.setArray(3, c.createArrayOf("text", gone.toArray()));
                    s.executeUpdate();
                }
            }
            return null;
        }));
    }

    /** Gives up leases this dispatcher holds but will not use (it is stopping), so others claim them at once. */
    void release(List<Claimed> messages) {
        if (messages.isEmpty()) {
            return;
        }
        String[] ids = messages.stream().map(Claimed::id).toArray(String[]::new);
        Long[] tokens = messages.stream().map(Claimed::claimToken).toArray(Long[]::new);
        execute(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE webhook_messages m SET lease_owner = NULL, lease_expires_at = NULL
                    FROM unnest(?::text[], ?::bigint[]) AS u(i, k) WHERE m.id = u.i AND m.claim_token = u.k""")) {
                s.setArray(1, c.createArrayOf("text", ids));
                s.setArray(2, c.createArrayOf("bigint", tokens));
                s.executeUpdate();
            }
            return null;
        });
    }

    private static void update(Connection c, String sql, List<String> ids, Timestamp first) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (first != null) {
                s.setTimestamp(i++, first);
            }
            s.setArray(i, c.createArrayOf("text", ids.toArray()));
            s.executeUpdate();
        }
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs on the transaction's connection when there is one, else on a connection of its own. */
    private <T> T execute(Work<T> work) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new org.springframework.jdbc.UncategorizedSQLException("webhook queue", null, e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }
}
