package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code run.started}: A worker took the session and runs the agent.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 */
public record RunStarted(long seq, String sessionId, Instant time)
        implements StoredEvent {

    public static final String TYPE = "run.started";

    @Override
    public String type() {
        return TYPE;
    }
}
