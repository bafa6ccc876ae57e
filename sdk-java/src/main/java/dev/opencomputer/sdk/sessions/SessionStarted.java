package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * {@code session.started}: The session was created; it pins the agent version it runs.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param agentId the agent
 * @param agentVersion the agent version pinned for the whole session
 * @param model the model
 * @param sandboxId the sandbox the session works in, when known
 * @param metadata the caller's labels
 */
public record SessionStarted(long seq, String sessionId, Instant time, String agentId, int agentVersion,
        String model, String sandboxId, Map<String, String> metadata)
        implements StoredEvent {

    public static final String TYPE = "session.started";

    public SessionStarted {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
