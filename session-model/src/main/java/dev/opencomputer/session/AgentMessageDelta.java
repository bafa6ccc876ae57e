package dev.opencomputer.session;

import java.util.Objects;

/**
 * Ephemeral: a piece of text of the model response that is streaming in; the complete response
 * is stored as {@link AgentMessage}. Wire name {@value #TYPE}.
 */
public record AgentMessageDelta(String text) implements EphemeralEvent {

    public static final String TYPE = "agent.delta";

    public AgentMessageDelta {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
