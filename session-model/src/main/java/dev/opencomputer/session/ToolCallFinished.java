package dev.opencomputer.session;

/** The event a tool call's execution ends with: what the model is told as the call's result. */
public sealed interface ToolCallFinished permits CommandExited, ToolResult {

    /** The id of the {@link ContentBlock.ToolUse} this call answers. */
    String callId();

    /** The tool's name, as the model knows it. */
    String name();

    /** The result text (a command's output tail). */
    String output();

    /** Whether the model is told the call failed. */
    boolean error();
}
