package dev.opencomputer.session;

import java.util.Objects;

/**
 * The outcome of a {@link ToolCalled}: the text the model is sent as the tool's result, and
 * whether it is an error. Also used for synthetic results (a call cancelled or interrupted).
 * Wire name {@value #TYPE}.
 */
public record ToolResult(
        String callId,
        String name,
        String output,
        boolean error)
        implements SessionEvent, ToolCallFinished {

    public static final String TYPE = "tool.result";

    public ToolResult {
        Objects.requireNonNull(callId, "callId");
        output = output == null ? "" : output;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
