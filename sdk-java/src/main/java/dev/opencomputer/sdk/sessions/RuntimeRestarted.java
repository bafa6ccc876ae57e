package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code runtime.restarted}: A run resumed from the log after a crash.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param resumedFromSeq the seq of the last event before the restart
 */
public record RuntimeRestarted(long seq, String sessionId, Instant time, long resumedFromSeq)
        implements StoredEvent {

    public static final String TYPE = "runtime.restarted";

    @Override
    public String type() {
        return TYPE;
    }
}
