package dev.opencomputer.session;

/**
 * The event a tool call's execution begins with, appended before the tool runs. A call whose
 * {@link ContentBlock.ToolUse} is in the log but that has no start has not run yet and may be
 * run; a call with a start but no {@link ToolCallFinished} was interrupted (by a crash or a
 * cancel) and must not be run again: the model is told its outcome is unknown.
 */
public sealed interface ToolCallStarted permits CommandRun, ToolCalled {

    /** The id of the {@link ContentBlock.ToolUse} this call answers. */
    String callId();

    /** The tool's name, as the model knows it. */
    String name();
}
