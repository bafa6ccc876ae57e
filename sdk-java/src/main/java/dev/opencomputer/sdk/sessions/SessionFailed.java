package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code session.failed}: The run failed permanently; a new message retries.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param reason a stable code, e.g. {@code model_credential_missing}
 * @param message what to do about it
 */
public record SessionFailed(long seq, String sessionId, Instant time, String reason, String message)
        implements StoredEvent {

    public static final String TYPE = "session.failed";

    @Override
    public String type() {
        return TYPE;
    }
}
