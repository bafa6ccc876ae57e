package dev.opencomputer.server.tenants;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.server.auth.ApiKeys;
import dev.opencomputer.server.auth.IssuedApiKey;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The tenants table, and the limits every other resource checks against. */
@Component
public class Tenants {

    /** A tenant and the first API key it was created with (the only time that key is shown). */
    public record Created(Tenant tenant, IssuedApiKey apiKey) {

        /** The same without the key: what is stored for, and answered by, an idempotent replay. */
        public Created withoutKey() {
            return new Created(tenant, apiKey.withoutKey());
        }
    }

    private final JdbcClient jdbc;
    private final ApiKeys apiKeys;
    private final ApiProperties properties;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Tenants(JdbcClient jdbc, ApiKeys apiKeys, ApiProperties properties, TransactionTemplate transactions,
            Clock clock) {
        this.jdbc = jdbc;
        this.apiKeys = apiKeys;
        this.properties = properties;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Creates a tenant and its first API key in one transaction. */
    public Created create(String name, String tier) {
        String tierName = tier == null ? properties.defaultTier() : tier;
        validate(name, tierName, true);
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            TenantId id = TenantId.next(now);
            jdbc.sql("insert into tenants (id, name, tier, created_at, updated_at) values (?, ?, ?, ?, ?)")
                    .params(id.value(), name.strip(), tierName, Timestamp.from(now), Timestamp.from(now)).update();
            IssuedApiKey key = apiKeys.issue(id, "default");
            return new Created(find(id), key);
        });
    }

    /** Renames a tenant or moves it to another tier; null leaves a field as it is. */
    public Tenant update(TenantId id, String name, String tier) {
        validate(name, tier, false);
        int updated = jdbc.sql("""
                update tenants set name = coalesce(?, name), tier = coalesce(?, tier), updated_at = ? where id = ?""")
                .params(name == null ? null : name.strip(), tier, Timestamp.from(clock.instant()), id.value()).update();
        if (updated == 0) {
            throw new ResourceNotFoundException("tenant", id.value());
        }
        return find(id);
    }

    /** The tenant, or a not-found problem. */
    public Tenant find(TenantId id) {
        return jdbc.sql("select * from tenants where id = ?").param(id.value()).query(this::row).optional()
                .orElseThrow(() -> new ResourceNotFoundException("tenant", id.value()));
    }

    /** The limits that apply to the tenant now (from its tier). */
    public ApiProperties.Tier limits(TenantId id) {
        return find(id).limits();
    }

    public Page<Tenant> list(PageRequest page) {
        List<Tenant> rows = jdbc.sql("""
                select * from tenants where (cast(? as text) is null or id < ?) order by id desc limit ?""")
                .params(page.before(), page.before(), page.limit() + 1).query(this::row).list();
        return page.page(rows, Tenant::id);
    }

    private void validate(String name, String tier, boolean creating) {
        List<FieldViolation> violations = new ArrayList<>();
        if (creating && (name == null || name.isBlank())) {
            violations.add(new FieldViolation("name", "is required"));
        } else if (name != null && (name.isBlank() || name.strip().length() > 200)) {
            violations.add(new FieldViolation("name", "must be 1 to 200 characters"));
        }
        if (tier != null && !properties.tiers().containsKey(tier)) {
            violations.add(new FieldViolation("tier", "must be one of " + properties.tiers().keySet()));
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
    }

    private Tenant row(ResultSet rs, int rowNum) throws SQLException {
        String tier = rs.getString("tier");
        ApiProperties.Tier limits = properties.tiers().getOrDefault(tier, properties.tiers().get(properties.defaultTier()));
        return new Tenant(rs.getString("id"), rs.getString("name"), tier, limits,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
