package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.session.Ids;
import dev.opencomputer.webhooks.DeliveryAttempt;
import dev.opencomputer.webhooks.EndpointDisabledException;
import dev.opencomputer.webhooks.EndpointNotFoundException;
import dev.opencomputer.webhooks.MessageNotFoundException;
import dev.opencomputer.webhooks.MessageStatus;
import dev.opencomputer.webhooks.RetryPolicy;
import dev.opencomputer.webhooks.UrlGuard;
import dev.opencomputer.webhooks.WebhookMessage;
import dev.opencomputer.webhooks.WebhookMessages;
import dev.opencomputer.webhooks.WebhookProperties;
import dev.opencomputer.webhooks.http.Courier;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * {@link WebhookMessages} on {@code webhook_messages} and {@code webhook_attempts}. A test send
 * is delivered right here, in the calling process, under a lease so no dispatcher takes it too.
 */
public final class PostgresWebhookMessages implements WebhookMessages, AutoCloseable {

    private static final String COLUMNS = """
            m.id, m.endpoint_id, m.tenant_id, m.event_type, m.session_id, m.event_seq, m.body, m.status, m.attempts,
            m.next_attempt_at, m.created_at, m.delivered_at, m.failed_at""";

    private final JdbcClient jdbc;
    private final MessageQueue queue;
    private final Deliveries deliveries;
    private final Courier courier;
    private final WebhookProperties properties;
    private final Clock clock;

    public PostgresWebhookMessages(DataSource dataSource, SecretStore secrets, EventLog eventLog,
            WebhookProperties properties, Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.queue = new MessageQueue(dataSource);
        this.courier = new Courier(UrlGuard.of(properties), properties.timeout(), 16, 4, clock);
        this.deliveries = new Deliveries(new EndpointSecrets(secrets, "webhooks:api test"), courier, eventLog,
                RetryPolicy.of(properties), clock);
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public List<WebhookMessage> list(String tenant, String endpointId, MessageStatus status, String beforeId,
            int limit) {
        requireEndpoint(tenant, endpointId);
        String statusName = status == null ? null : status.wireName();
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_messages m WHERE m.tenant_id = ? AND m.endpoint_id = ?"
                        + " AND (CAST(? AS text) IS NULL OR m.status = ?) AND (CAST(? AS text) IS NULL OR m.id < ?)"
                        + " ORDER BY m.id DESC LIMIT ?")
                .params(tenant, endpointId, statusName, statusName, beforeId, beforeId, limit)
                .query((rs, n) -> message(rs, List.of())).list();
    }

    @Override
    public WebhookMessage find(String tenant, String messageId) {
        List<DeliveryAttempt> attempts = jdbc.sql("""
                        SELECT a.attempt, a.started_at, a.duration_ms, a.status_code, a.response_body, a.error
                        FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id
                        WHERE m.tenant_id = ? AND m.id = ? ORDER BY a.id""")
                .params(tenant, messageId)
                .query((rs, n) -> new DeliveryAttempt(rs.getInt(1), rs.getTimestamp(2).toInstant(), rs.getLong(3),
                        (Integer) rs.getObject(4), rs.getString(5), rs.getString(6)))
                .list();
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_messages m WHERE m.tenant_id = ? AND m.id = ?")
                .params(tenant, messageId).query((rs, n) -> message(rs, attempts)).optional()
                .orElseThrow(() -> new MessageNotFoundException(messageId));
    }

    @Override
    public WebhookMessage retry(String tenant, String messageId) {
        String endpoint = jdbc.sql("SELECT endpoint_id FROM webhook_messages WHERE tenant_id = ? AND id = ?")
                .params(tenant, messageId).query(String.class).optional()
                .orElseThrow(() -> new MessageNotFoundException(messageId));
        requireEnabled(tenant, endpoint);
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                UPDATE webhook_messages SET status = 'pending', next_attempt_at = ?, updated_at = ?
                WHERE tenant_id = ? AND id = ?""")
                .params(now, now, tenant, messageId).update();
        return find(tenant, messageId);
    }

    @Override
    public int recover(String tenant, String endpointId, Instant since) {
        requireEnabled(tenant, endpointId);
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("""
                UPDATE webhook_messages SET status = 'pending', next_attempt_at = ?, updated_at = ?
                WHERE tenant_id = ? AND endpoint_id = ? AND status = 'failed' AND created_at >= ?""")
                .params(now, now, tenant, endpointId, Timestamp.from(since))
                .update();
    }

    @Override
    public SentTest test(String tenant, String endpointId) {
        var endpoint = jdbc.sql("""
                        SELECT url, secret_version, previous_secret_until, disabled_at FROM webhook_endpoints
                        WHERE tenant_id = ? AND id = ?""")
                .params(tenant, endpointId)
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getTimestamp(3), rs.getTimestamp(4)})
                .optional().orElseThrow(() -> new EndpointNotFoundException(endpointId));
        if (endpoint[3] != null) {
            throw new EndpointDisabledException(endpointId);
        }
        Instant now = clock.instant();
        String id = Ids.next(WebhookMessage.ID_PREFIX, now);
        StringBuilder body = new StringBuilder("{\"type\":\"").append(WebhookMessage.TEST_TYPE)
                .append("\",\"timestamp\":\"").append(now).append("\",\"data\":{\"endpointId\":\"");
        JsonStringEncoder.getInstance().quoteAsString(endpointId, body);
        body.append("\"}}");
        Timestamp at = Timestamp.from(now);
        jdbc.sql("""
                INSERT INTO webhook_messages (id, endpoint_id, tenant_id, event_type, body, status, next_attempt_at,
                    lease_owner, lease_expires_at, claim_token, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'pending', ?, 'api-test', ?, 1, ?, ?)""")
                .params(id, endpointId, tenant, WebhookMessage.TEST_TYPE, body.toString(), at,
                        Timestamp.from(now.plus(properties.lease())), at, at)
                .update();
        Timestamp previous = (Timestamp) endpoint[2];
        var claimed = new MessageQueue.Claimed(id, endpointId, tenant, null, null, WebhookMessage.TEST_TYPE,
                body.toString(), 1, 1, (String) endpoint[0], (Integer) endpoint[1],
                previous == null ? null : previous.toInstant());
        var settlement = deliveries.deliver(claimed);
        deliveries.logSent(List.of(settlement));
        Instant done = clock.instant();
        queue.settle("api-test", List.of(settlement), done, done.minus(properties.disableAfter()));
        return new SentTest(find(tenant, id), settlement.attempt());
    }

    private void requireEndpoint(String tenant, String endpointId) {
        jdbc.sql("SELECT 1 FROM webhook_endpoints WHERE tenant_id = ? AND id = ?").params(tenant, endpointId)
                .query(Integer.class).optional().orElseThrow(() -> new EndpointNotFoundException(endpointId));
    }

    private void requireEnabled(String tenant, String endpointId) {
        boolean disabled = jdbc.sql("SELECT disabled_at IS NOT NULL FROM webhook_endpoints WHERE tenant_id = ? AND id = ?")
                .params(tenant, endpointId).query(Boolean.class).optional()
                .orElseThrow(() -> new EndpointNotFoundException(endpointId));
        if (disabled) {
            throw new EndpointDisabledException(endpointId);
        }
    }

    private static WebhookMessage message(ResultSet rs, List<DeliveryAttempt> attempts) throws SQLException {
        long seq = rs.getLong(6);
        Long eventSeq = rs.wasNull() ? null : seq;
        return new WebhookMessage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                eventSeq, rs.getString(7), MessageStatus.parse(rs.getString(8)), rs.getInt(9),
                instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                instant(rs.getTimestamp(13)), attempts);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    @Override
    public void close() {
        courier.close();
    }
}
