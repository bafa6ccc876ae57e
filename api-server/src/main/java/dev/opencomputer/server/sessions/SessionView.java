package dev.opencomputer.server.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * A session as the API shows it. {@code lastSeq} is the seq of its last event. The answer to
 * {@code POST /v1/sessions} adds {@code streamUrl}, {@code clientToken} and
 * {@code clientTokenExpiresAt}.
 */
public record SessionView(String id, String status, String agentId, int agentVersion, long lastSeq,
        Map<String, String> metadata, Instant createdAt, Instant updatedAt) {

    boolean isClosed() {
        return "closed".equals(status);
    }
}
