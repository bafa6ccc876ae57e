package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code run.stuck}: The run hit a limit or made no progress and was stopped cleanly.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param reason {@code model_timeout}, {@code command_timeout}, {@code max_duration}, {@code max_steps} or {@code no_progress}
 * @param detail a human-readable explanation
 */
public record RunStuck(long seq, String sessionId, Instant time, String reason, String detail)
        implements StoredEvent {

    public static final String TYPE = "run.stuck";

    @Override
    public String type() {
        return TYPE;
    }
}
