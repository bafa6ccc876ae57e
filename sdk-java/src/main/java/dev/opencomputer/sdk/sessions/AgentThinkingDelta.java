package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code agent.thinking_delta}: A piece of visible thinking while the model streams it.
 * Ephemeral: never stored, so it has no seq and a reconnecting stream does not repeat it.
 *
 * @param sessionId the session
 * @param time      when it happened
 * @param text the piece
 */
public record AgentThinkingDelta(String sessionId, Instant time, String text)
        implements EphemeralEvent {

    public static final String TYPE = "agent.thinking_delta";

    @Override
    public String type() {
        return TYPE;
    }
}
