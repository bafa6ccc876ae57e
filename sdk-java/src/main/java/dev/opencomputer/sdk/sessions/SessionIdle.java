package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code session.idle}: The model ended its turn; the session waits for the next message.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 */
public record SessionIdle(long seq, String sessionId, Instant time)
        implements StoredEvent {

    public static final String TYPE = "session.idle";

    @Override
    public String type() {
        return TYPE;
    }
}
