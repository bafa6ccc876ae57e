package dev.opencomputer.session;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A session as stored: who owns it, which agent version it is pinned to, its status (the fold of
 * its log), the seq of its last event and its metadata (in the order it is stored in).
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
        // kept in the stored order, so that what shows a session shows its labels the same way every time
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
