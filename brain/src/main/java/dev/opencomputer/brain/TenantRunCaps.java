package dev.opencomputer.brain;

import dev.opencomputer.session.TenantId;
import java.util.Map;
import java.util.Set;

/**
 * How many sessions of a tenant the brain runs at once, across every worker sharing the database:
 * when sessions are claimed, a session of a tenant at its cap stays {@code pending} (queued) until
 * one of the tenant's runs ends or its lease expires. The brain does not know where tenants and
 * their limits live; the application that wires it implements this port. Thread-safe.
 */
@FunctionalInterface
public interface TenantRunCaps {

    /** No tenant has a cap. */
    TenantRunCaps NONE = tenants -> Map.of();

    /** The caps of {@code tenants}; a tenant missing from the answer has no cap. */
    Map<TenantId, Integer> capsOf(Set<TenantId> tenants);
}
