package dev.opencomputer.server.tenants;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.session.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The limits of a tenant's tier for checks on the hot path (every request, every stream): the
 * tenant's tier is looked up once and kept for 30 seconds, so a tier change takes effect within
 * that time. A tenant unknown to the table gets the default tier's limits.
 */
@Component
public class TierLimits {

    private static final Duration KEPT = Duration.ofSeconds(30);

    private record Known(ApiProperties.Tier tier, Instant until) {
    }

    private final JdbcClient jdbc;
    private final ApiProperties properties;
    private final Clock clock;
    private final Map<TenantId, Known> known = new ConcurrentHashMap<>();

    TierLimits(JdbcClient jdbc, ApiProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /** The tenant's limits now; blocking on a cache miss (one query). */
    public ApiProperties.Tier of(TenantId tenant) {
        Instant now = clock.instant();
        Known cached = known.get(tenant);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.tier();
        }
        String name = jdbc.sql("select tier from tenants where id = ?").param(tenant.value()).query(String.class)
                .optional().orElse(properties.defaultTier());
        ApiProperties.Tier tier = properties.tiers().getOrDefault(name, properties.tiers().get(properties.defaultTier()));
        if (known.size() > 100_000) {
            known.clear();
        }
        known.put(tenant, new Known(tier, now.plus(KEPT)));
        return tier;
    }
}
