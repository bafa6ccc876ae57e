package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
* {@code session.config_changed}: The session's configuration changed from the next model call on; null fields
 * are unchanged.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param model the new model
 * @param mode the new mode
 * @param thoughtLevel the new thought level
 */
public record SessionConfigChanged(long seq, String sessionId, Instant time, String model, String mode,
        String thoughtLevel)
        implements StoredEvent {

    public static final String TYPE = "session.config_changed";

    @Override
    public String type() {
        return TYPE;
    }
}
