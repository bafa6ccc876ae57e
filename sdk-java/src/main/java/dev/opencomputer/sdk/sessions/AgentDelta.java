package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code agent.delta}: A piece of the response text while the model streams it.
 * Ephemeral: never stored, so it has no seq and a reconnecting stream does not repeat it.
 *
 * @param sessionId the session
 * @param time      when it happened
 * @param text the piece
 */
public record AgentDelta(String sessionId, Instant time, String text)
        implements EphemeralEvent {

    public static final String TYPE = "agent.delta";

    @Override
    public String type() {
        return TYPE;
    }
}
