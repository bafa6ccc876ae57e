package dev.opencomputer.server.tenants;

import dev.opencomputer.brain.TenantRunCaps;
import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.session.TenantId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The brain's {@link TenantRunCaps} from the tenants table: each tenant runs at most its tier's
 * {@code maxRunningSessions} sessions at once; a tenant whose tier is no longer configured, or that is
 * not (or no longer) in the table, gets the default tier's.
 */
@Component
public class TierRunCaps implements TenantRunCaps {

    private final JdbcClient jdbc;
    private final ApiProperties properties;

    TierRunCaps(JdbcClient jdbc, ApiProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    @Override
    public Map<TenantId, Integer> capsOf(Set<TenantId> tenants) {
        int fallback = properties.tiers().get(properties.defaultTier()).maxRunningSessions();
        Map<TenantId, Integer> caps = new HashMap<>();
        tenants.forEach(tenant -> caps.put(tenant, fallback));
        if (tenants.isEmpty()) {
            return caps;
        }
        String[] ids = tenants.stream().map(TenantId::value).toArray(String[]::new);
        jdbc.sql("select id, tier from tenants where id = any(?)").param(ids)
                .query((rs, row) -> {
                    ApiProperties.Tier tier = properties.tiers().get(rs.getString(2));
                    if (tier != null) {
                        caps.put(TenantId.parse(rs.getString(1)), tier.maxRunningSessions());
                    }
                    return null;
                }).list();
        return caps;
    }
}
