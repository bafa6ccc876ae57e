package dev.opencomputer.session;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A session as stored: who owns it, which agent version it is pinned to, its status (the fold of
 * its log) and the seq of its last event.
 */
public record Session(
        SessionId id,
        TenantId tenantId,
        AgentId agentId,
        int agentVersion,
        SessionStatus status,
        long lastSeq,
        Instant createdAt,
        Instant updatedAt,
        Map<String, String> metadata) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
