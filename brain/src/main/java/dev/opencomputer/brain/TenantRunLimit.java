package dev.opencomputer.brain;

import java.util.List;
import java.util.Objects;

/**
 * A cap on how many sessions of one tenant a brain runs at once, across every worker sharing the
 * database, applied when sessions are claimed: a session of a tenant at its cap stays {@code pending}
 * (queued) until one of the tenant's runs ends or its lease expires. {@code sql} is a scalar SQL
 * expression giving the cap of the tenant whose id is the column {@code c.tenant_id} (null: no cap),
 * with {@code params} bound to its {@code ?} placeholders in order. The brain does not know where
 * tenants and their limits live; the application that wires it does.
 */
public record TenantRunLimit(String sql, List<Object> params) {

    public TenantRunLimit {
        Objects.requireNonNull(sql, "sql");
        params = List.copyOf(params);
    }
}
