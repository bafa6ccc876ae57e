package dev.opencomputer.session;

import java.util.Objects;

/**
 * Ephemeral: a piece of the model's visible thinking while the response streams in.
 * Wire name {@value #TYPE}.
 */
public record AgentThinkingDelta(String text) implements EphemeralEvent {

    public static final String TYPE = "agent.thinking_delta";

    public AgentThinkingDelta {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
