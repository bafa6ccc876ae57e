package dev.opencomputer.session;

import java.util.Objects;

/**
 * The brain started the {@code bash} tool call {@code callId}: {@code command} runs in the
 * sandbox in {@code cwd} (null for the sandbox's working directory). Appended before the command
 * starts, so a command with this event but no {@link CommandExited} was interrupted.
 * Wire name {@value #TYPE}.
 */
public record CommandRun(
        String callId,
        String command,
        String cwd)
        implements SessionEvent, ToolCallStarted {

    public static final String TYPE = "command.run";

    public CommandRun {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(command, "command");
    }

    /** Commands are the {@code bash} tool. */
    @Override
    public String name() {
        return "bash";
    }

    @Override
    public String type() {
        return TYPE;
    }
}
