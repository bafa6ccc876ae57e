package dev.opencomputer.eventlog;

import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.util.Map;
import java.util.Objects;

/** What the {@code sessions} row of a new session starts with. */
public record NewSession(
        SessionId id, TenantId tenantId, AgentId agentId, int agentVersion, Map<String, String> metadata) {

    public NewSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(agentId, "agentId");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
