package dev.opencomputer.session;

import java.util.Objects;

/**
 * The command of {@link CommandRun} {@code callId} ended with {@code exitCode} (137 when it was
 * killed, e.g. out of memory or on timeout, -1 when the exit code is unknown). {@code output} is the
 * tail of its combined stdout and stderr; {@code outputTruncated} tells whether earlier output
 * was cut.
 * Wire name {@value #TYPE}.
 */
public record CommandExited(
        String callId,
        int exitCode,
        String output,
        boolean outputTruncated,
        long durationMs)
        implements SessionEvent, ToolCallFinished {

    public static final String TYPE = "command.exited";

    public CommandExited {
        Objects.requireNonNull(callId, "callId");
        output = output == null ? "" : output;
    }

    /** Commands are the {@code bash} tool. */
    @Override
    public String name() {
        return "bash";
    }

    /** A non-zero exit is reported to the model as an error. */
    @Override
    public boolean error() {
        return exitCode != 0;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
