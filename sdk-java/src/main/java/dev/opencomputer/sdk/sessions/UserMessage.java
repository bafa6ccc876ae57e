package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code user.message}: What the user said: the first input, or a message sent later.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param text the message
 */
public record UserMessage(long seq, String sessionId, Instant time, String text)
        implements StoredEvent {

    public static final String TYPE = "user.message";

    @Override
    public String type() {
        return TYPE;
    }
}
