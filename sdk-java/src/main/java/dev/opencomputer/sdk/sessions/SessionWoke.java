package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code session.woke}: The hibernated session's sandbox was started again.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 */
public record SessionWoke(long seq, String sessionId, Instant time)
        implements StoredEvent {

    public static final String TYPE = "session.woke";

    @Override
    public String type() {
        return TYPE;
    }
}
