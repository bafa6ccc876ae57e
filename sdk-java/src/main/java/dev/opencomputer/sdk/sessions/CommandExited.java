package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code command.exited}: A command of the {@code bash} tool ended.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param callId the model's tool call id
 * @param exitCode the exit code
 * @param output the tail of its output
 * @param outputTruncated whether the beginning of the output was dropped
 * @param durationMs how long it ran
 */
public record CommandExited(long seq, String sessionId, Instant time, String callId, int exitCode,
        String output, boolean outputTruncated, long durationMs)
        implements StoredEvent {

    public static final String TYPE = "command.exited";

    @Override
    public String type() {
        return TYPE;
    }
}
