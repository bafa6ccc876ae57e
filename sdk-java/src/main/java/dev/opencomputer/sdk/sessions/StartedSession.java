package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * The answer to {@link Sessions#create(CreateSessionRequest)}: the new session plus a client token
 * to hand to a browser or another front end, which can then read, stream and message this one
 * session (see {@code OpenComputer.builder().clientToken(…)}). {@code toString()} hides the token.
 *
 * @param streamUrl            the path of the session's event stream, relative to the base URL
 * @param clientToken          a short-lived JWT scoped to this session; not stored by the server,
 *                             mint another one with {@link Sessions#clientToken(String)}
 * @param clientTokenExpiresAt when the token stops working
 * @param budget               the session's budget: limits in force, nothing spent yet
 */
public record StartedSession(String id, String status, String agentId, Integer agentVersion, Long lastSeq,
        Map<String, String> metadata, Instant createdAt, Instant updatedAt, String streamUrl, String clientToken,
        Instant clientTokenExpiresAt, SessionBudget budget) {

    public StartedSession {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The session part of the answer. */
    public Session session() {
        return new Session(id, status, agentId, agentVersion, lastSeq, metadata, createdAt, updatedAt, null, budget);
    }

    @Override
    public String toString() {
        return "StartedSession[id=" + id + ", status=" + status + ", agentId=" + agentId + ", agentVersion="
                + agentVersion + ", streamUrl=" + streamUrl + ", clientToken=***, clientTokenExpiresAt="
                + clientTokenExpiresAt + "]";
    }
}
