package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code session.hibernated}: The idle session's sandbox was stopped; its workspace is kept.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 */
public record SessionHibernated(long seq, String sessionId, Instant time)
        implements StoredEvent {

    public static final String TYPE = "session.hibernated";

    @Override
    public String type() {
        return TYPE;
    }
}
