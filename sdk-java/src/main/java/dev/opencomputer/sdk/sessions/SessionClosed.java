package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code session.closed}: The session was closed for good.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param reason why
 */
public record SessionClosed(long seq, String sessionId, Instant time, String reason)
        implements StoredEvent {

    public static final String TYPE = "session.closed";

    @Override
    public String type() {
        return TYPE;
    }
}
