package dev.opencomputer.session;

import java.util.Objects;

/**
 * Ephemeral: a chunk of output of the running command {@code callId}; {@code stream} is
 * {@code stdout} or {@code stderr}. The tail is stored in {@link CommandExited}.
 * Wire name {@value #TYPE}.
 */
public record CommandOutput(String callId, String stream, String text) implements EphemeralEvent {

    public static final String TYPE = "command.output";

    public CommandOutput {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
