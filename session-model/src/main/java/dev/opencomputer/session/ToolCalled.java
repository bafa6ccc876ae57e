package dev.opencomputer.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The brain is about to run the tool call {@code callId} (the id of a {@link ContentBlock.ToolUse}
 * in an earlier {@link AgentMessage}) that is not a shell command: {@code read_file},
 * {@code write_file}, {@code edit_file}, {@code list_files} and future tools. Appended before the
 * tool runs, so a call with this event but no {@link ToolResult} was interrupted.
 * Wire name {@value #TYPE}.
 */
public record ToolCalled(
        String callId,
        String name,
        Map<String, Object> input)
        implements SessionEvent, ToolCallStarted {

    public static final String TYPE = "tool.call";

    public ToolCalled {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(name, "name");
        input = input == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(input));
    }

    @Override
    public String type() {
        return TYPE;
    }
}
