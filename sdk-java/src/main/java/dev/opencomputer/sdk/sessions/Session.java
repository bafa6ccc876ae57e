package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * A session as the API shows it. Fields a server does not send are null (empty for
 * {@code metadata}), so a client keeps working against servers that answer more or less.
 *
 * @param status       {@code pending}, {@code running}, {@code idle}, {@code hibernated},
 *                     {@code failed}, {@code closed} or {@code exhausted} — the fold of its event log
 * @param agentVersion the agent version the session pinned when it started
 * @param lastSeq      the seq of its last stored event
 * @param budget       limits, spend and exhaustion ({@link Sessions#get} only; null in lists)
 */
public record Session(String id, String status, String agentId, Integer agentVersion, Long lastSeq,
        Map<String, String> metadata, Instant createdAt, Instant updatedAt, SessionBudget budget) {

    public Session {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
