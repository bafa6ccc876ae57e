package dev.opencomputer.server.webhooks;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.session.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** How many webhook endpoints a tenant's tier allows (a tier no longer configured gets the default tier's). */
@Component
class EndpointQuota {

    private final JdbcClient jdbc;
    private final ApiProperties api;

    EndpointQuota(JdbcClient jdbc, ApiProperties api) {
        this.jdbc = jdbc;
        this.api = api;
    }

    int maxEndpoints(TenantId tenant) {
        String tier = jdbc.sql("select tier from tenants where id = ?").param(tenant.value()).query(String.class)
                .optional().orElse(api.defaultTier());
        return api.tiers().getOrDefault(tier, api.tiers().get(api.defaultTier())).maxWebhookEndpoints();
    }
}
