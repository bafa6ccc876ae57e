package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code tool.result}: A tool call ended (also: a call that could not be made, or was interrupted).
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param callId the model's tool call id
 * @param name the tool
 * @param output what the model is told
 * @param error whether the call failed
 */
public record ToolResult(long seq, String sessionId, Instant time, String callId, String name, String output,
        boolean error)
        implements StoredEvent {

    public static final String TYPE = "tool.result";

    @Override
    public String type() {
        return TYPE;
    }
}
