package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * {@code tool.call}: A tool other than {@code bash} is about to run.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param callId the model's tool call id
 * @param name the tool
 * @param input the tool's input as the model gave it
 */
public record ToolCalled(long seq, String sessionId, Instant time, String callId, String name, Map<String,
        Object> input)
        implements StoredEvent {

    public static final String TYPE = "tool.call";

    public ToolCalled {
        input = input == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(input));
    }

    @Override
    public String type() {
        return TYPE;
    }
}
