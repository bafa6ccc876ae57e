package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code permission.expired}: nobody answered {@code requestId} in time; the call is denied.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 */
public record PermissionExpired(long seq, String sessionId, Instant time, String requestId) implements StoredEvent {

    public static final String TYPE = "permission.expired";

    @Override
    public String type() {
        return TYPE;
    }
}
