package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.session.Ids;
import dev.opencomputer.webhooks.CreatedEndpoint;
import dev.opencomputer.webhooks.EndpointChange;
import dev.opencomputer.webhooks.EndpointLimitExceededException;
import dev.opencomputer.webhooks.EndpointNotFoundException;
import dev.opencomputer.webhooks.EventFilter;
import dev.opencomputer.webhooks.NewEndpoint;
import dev.opencomputer.webhooks.SigningSecret;
import dev.opencomputer.webhooks.UrlGuard;
import dev.opencomputer.webhooks.WebhookEndpoint;
import dev.opencomputer.webhooks.WebhookEndpoints;
import dev.opencomputer.webhooks.WebhookProperties;
import dev.opencomputer.secrets.SecretStore;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link WebhookEndpoints} on {@code webhook_endpoints} (migration {@code db/migration/webhook-dispatcher}),
 * with the signing secrets in the secret store.
 */
public final class PostgresWebhookEndpoints implements WebhookEndpoints {

    static final String COLUMNS = """
            id, tenant_id, url, events, description, metadata::text, disabled_at, disabled_reason, failing_since,
            created_at, updated_at""";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final EndpointSecrets secrets;
    private final UrlGuard guard;
    private final Duration overlap;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    public PostgresWebhookEndpoints(DataSource dataSource, SecretStore secretStore, WebhookProperties properties,
            Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        this.secrets = new EndpointSecrets(secretStore, "webhooks:api");
        this.guard = UrlGuard.of(properties);
        this.overlap = properties.secretOverlap();
        this.clock = clock;
    }

    @Override
    public CreatedEndpoint create(String tenant, NewEndpoint endpoint, int maxEndpoints) {
        String url = guard.check(endpoint.url()).toString();
        Instant now = clock.instant();
        String id = Ids.next(WebhookEndpoint.ID_PREFIX, now);
        SigningSecret secret = SigningSecret.generate();
        secrets.put(tenant, id, 1, secret);
        try {
            transactions.executeWithoutResult(status -> {
                jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints:' || ?))").param(tenant)
                        .query(rs -> { });
                int count = jdbc.sql("SELECT count(*) FROM webhook_endpoints WHERE tenant_id = ?").param(tenant)
                        .query(Integer.class).single();
                if (count >= maxEndpoints) {
                    throw new EndpointLimitExceededException(maxEndpoints);
                }
                jdbc.sql("""
                        INSERT INTO webhook_endpoints (id, tenant_id, url, events, description, metadata, secret_version,
                            created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, 1, ?, ?)""")
                        .params(id, tenant, url, events(endpoint.filter()), endpoint.description(),
                                json.writeValueAsString(endpoint.metadata()), Timestamp.from(now), Timestamp.from(now))
                        .update();
            });
        } catch (RuntimeException e) {
            secrets.delete(tenant, id, 1);
            throw e;
        }
        return new CreatedEndpoint(find(tenant, id), secret);
    }

    @Override
    public List<WebhookEndpoint> list(String tenant, String beforeId, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE tenant_id = ? AND (CAST(? AS text) IS NULL OR id < ?) "
                        + "ORDER BY id DESC LIMIT ?")
                .params(tenant, beforeId, beforeId, limit).query((rs, n) -> endpoint(rs)).list();
    }

    @Override
    public WebhookEndpoint find(String tenant, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE tenant_id = ? AND id = ?")
                .params(tenant, id).query((rs, n) -> endpoint(rs)).optional()
                .orElseThrow(() -> new EndpointNotFoundException(id));
    }

    @Override
    public WebhookEndpoint update(String tenant, String id, EndpointChange change) {
        String url = change.url().map(u -> guard.check(u).toString()).orElse(null);
        Instant now = clock.instant();
        transactions.executeWithoutResult(status -> {
            WebhookEndpoint current = jdbc.sql("SELECT " + COLUMNS
                            + " FROM webhook_endpoints WHERE tenant_id = ? AND id = ? FOR UPDATE")
                    .params(tenant, id).query((rs, n) -> endpoint(rs)).optional()
                    .orElseThrow(() -> new EndpointNotFoundException(id));
            boolean disabled = change.disabled().orElse(current.disabled());
            String reason = disabled ? (current.disabled() ? current.disabledReason() : "disabled by its owner") : null;
            Timestamp disabledAt = disabled
                    ? Timestamp.from(current.disabled() ? current.disabledAt() : now) : null;
            // re-enabling starts the failing period afresh
            boolean reEnabled = current.disabled() && !disabled;
            Timestamp failingSince = reEnabled || current.failingSince() == null
                    ? null : Timestamp.from(current.failingSince());
            jdbc.sql("""
                    UPDATE webhook_endpoints SET url = ?, events = ?, description = ?, metadata = ?::jsonb,
                        disabled_at = ?, disabled_reason = ?, failing_since = ?, updated_at = ?
                    WHERE id = ?""")
                    .params(url != null ? url : current.url(),
                            events(change.events().orElse(current.filter())),
                            change.description().orElse(current.description()),
                            json.writeValueAsString(change.metadata().orElse(current.metadata())),
                            disabledAt, reason, failingSince, Timestamp.from(now), id)
                    .update();
        });
        return find(tenant, id);
    }

    @Override
    public void delete(String tenant, String id) {
        Integer version = jdbc.sql("DELETE FROM webhook_endpoints WHERE tenant_id = ? AND id = ? RETURNING secret_version")
                .params(tenant, id).query(Integer.class).optional().orElseThrow(() -> new EndpointNotFoundException(id));
        for (int v = Math.max(1, version - 1); v <= version; v++) {
            secrets.delete(tenant, id, v);
        }
    }

    @Override
    public CreatedEndpoint rotateSecret(String tenant, String id) {
        Instant now = clock.instant();
        SigningSecret secret = SigningSecret.generate();
        int[] versions = new int[1];
        transactions.executeWithoutResult(status -> {
            int current = jdbc.sql("SELECT secret_version FROM webhook_endpoints WHERE tenant_id = ? AND id = ? FOR UPDATE")
                    .params(tenant, id).query(Integer.class).optional()
                    .orElseThrow(() -> new EndpointNotFoundException(id));
            versions[0] = current + 1;
            // stored before the row points at it: a dispatcher never sees a version it cannot reveal
            secrets.put(tenant, id, current + 1, secret);
            jdbc.sql("UPDATE webhook_endpoints SET secret_version = ?, previous_secret_until = ?, updated_at = ? WHERE id = ?")
                    .params(current + 1, Timestamp.from(now.plus(overlap)), Timestamp.from(now), id).update();
        });
        if (versions[0] > 2) {
            secrets.delete(tenant, id, versions[0] - 2); // out of use since the previous rotation's overlap
        }
        return new CreatedEndpoint(find(tenant, id), secret);
    }

    static String[] events(EventFilter filter) {
        return filter.patterns() == null ? null : filter.patterns().toArray(String[]::new);
    }

    WebhookEndpoint endpoint(ResultSet rs) throws SQLException {
        Array events = rs.getArray("events");
        List<String> patterns = events == null ? null : Arrays.asList((String[]) events.getArray());
        Timestamp disabledAt = rs.getTimestamp("disabled_at");
        return new WebhookEndpoint(rs.getString("id"), rs.getString("tenant_id"), rs.getString("url"), patterns,
                rs.getString("description"), json.readValue(rs.getString("metadata"), MAP), disabledAt != null,
                rs.getString("disabled_reason"), instant(disabledAt), instant(rs.getTimestamp("failing_since")),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
