package dev.opencomputer.sdk.tenants;

import java.time.Instant;

/** A tenant, with the limits of its tier. */
public record Tenant(String id, String name, String tier, TenantLimits limits, Instant createdAt,
        Instant updatedAt) {
}
