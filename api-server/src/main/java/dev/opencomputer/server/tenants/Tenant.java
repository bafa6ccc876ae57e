package dev.opencomputer.server.tenants;

import dev.opencomputer.server.ApiProperties;
import java.time.Instant;

/** A tenant as the API shows it, with the limits of its tier. */
public record Tenant(String id, String name, String tier, ApiProperties.Tier limits, Instant createdAt,
        Instant updatedAt) {
}
