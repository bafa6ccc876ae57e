package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * {@code permission.requested}: a tool call waits for a person's yes; answer it with
 * {@link Sessions#approve} or {@link Sessions#deny}. The session is {@code waiting} meanwhile.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param requestId what the answer names
 * @param callId    the model's tool call id
 * @param tool      the tool the model wants to call
 * @param input     the call's input as the model gave it
 * @param expiresAt when an unanswered request is denied on its own; null: never
 */
public record PermissionRequested(long seq, String sessionId, Instant time, String requestId, String callId,
        String tool, Map<String, Object> input, Instant expiresAt) implements StoredEvent {

    public static final String TYPE = "permission.requested";

    public PermissionRequested {
        input = input == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(input));
    }

    @Override
    public String type() {
        return TYPE;
    }
}
