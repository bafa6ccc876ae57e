package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * A session as the API shows it. Fields a server does not send are null (empty for
 * {@code metadata}), so a client keeps working against servers that answer more or less.
 *
 * @param status       {@code pending}, {@code running}, {@code waiting}, {@code idle}, {@code hibernated},
 *                     {@code failed}, {@code closed} or {@code exhausted} — the fold of its event log
 * @param agentVersion the agent version the session pinned when it started
 * @param lastSeq      the seq of its last stored event
 * @param pending      what a {@code waiting} session waits for (sent by {@link Sessions#get}); null in lists
 * @param budget       limits, spend and exhaustion ({@link Sessions#get} only; null in lists)
 */
public record Session(String id, String status, String agentId, Integer agentVersion, Long lastSeq,
        Map<String, String> metadata, Instant createdAt, Instant updatedAt, Pending pending, SessionBudget budget) {

    public Session {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A session as servers before pending waits answered it. */
    public Session(String id, String status, String agentId, Integer agentVersion, Long lastSeq,
            Map<String, String> metadata, Instant createdAt, Instant updatedAt) {
        this(id, status, agentId, agentVersion, lastSeq, metadata, createdAt, updatedAt, null, null);
    }

    /** The permission requests to answer and the client tool calls to run, oldest first. */
    public record Pending(java.util.List<Permission> permissions, java.util.List<ClientToolCall> clientToolCalls) {
        public Pending {
            permissions = permissions == null ? java.util.List.of() : java.util.List.copyOf(permissions);
            clientToolCalls = clientToolCalls == null ? java.util.List.of() : java.util.List.copyOf(clientToolCalls);
        }
    }

    /** A permission request waiting for {@link Sessions#approve} or {@link Sessions#deny}. */
    public record Permission(String requestId, String callId, String tool, Map<String, Object> input,
            Instant requestedAt, Instant expiresAt) {
    }

    /** A client tool call waiting for {@link Sessions#submitToolResult}. */
    public record ClientToolCall(String callId, String name, Map<String, Object> input, Instant calledAt) {
    }
}
