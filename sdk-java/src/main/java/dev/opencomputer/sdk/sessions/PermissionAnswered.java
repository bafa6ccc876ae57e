package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code permission.answered}: the request {@code requestId} was answered.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param decision  {@code allow} or {@code deny}
 * @param message   what a deny tells the model; null for none
 * @param by        who answered: {@code api_key:<key id>} or {@code client_token}
 */
public record PermissionAnswered(long seq, String sessionId, Instant time, String requestId, String decision,
        String message, String by) implements StoredEvent {

    public static final String TYPE = "permission.answered";

    @Override
    public String type() {
        return TYPE;
    }
}
