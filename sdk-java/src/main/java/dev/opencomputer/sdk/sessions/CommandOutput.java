package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code command.output}: Output of a running command, as it arrives.
 * Ephemeral: never stored, so it has no seq and a reconnecting stream does not repeat it.
 *
 * @param sessionId the session
 * @param time      when it happened
 * @param callId the model's tool call id
 * @param stream {@code stdout} or {@code stderr}
 * @param text the output
 */
public record CommandOutput(String sessionId, Instant time, String callId, String stream, String text)
        implements EphemeralEvent {

    public static final String TYPE = "command.output";

    @Override
    public String type() {
        return TYPE;
    }
}
