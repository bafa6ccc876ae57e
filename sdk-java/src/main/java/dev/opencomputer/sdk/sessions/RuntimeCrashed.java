package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code runtime.crashed}: The sandbox died under the run (killed, out of memory, gone).
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param reason what happened
 * @param exitCode the container's exit code, when known
 */
public record RuntimeCrashed(long seq, String sessionId, Instant time, String reason, Integer exitCode)
        implements StoredEvent {

    public static final String TYPE = "runtime.crashed";

    @Override
    public String type() {
        return TYPE;
    }
}
