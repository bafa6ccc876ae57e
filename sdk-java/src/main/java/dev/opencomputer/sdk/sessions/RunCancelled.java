package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code run.cancelled}: The run was cancelled.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param reason why
 */
public record RunCancelled(long seq, String sessionId, Instant time, String reason)
        implements StoredEvent {

    public static final String TYPE = "run.cancelled";

    @Override
    public String type() {
        return TYPE;
    }
}
