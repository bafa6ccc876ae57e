package dev.opencomputer.session;

import java.util.Objects;

/**
 * A person (or a backend) said something to the agent: the first input or a later message, which
 * the brain delivers at the next step boundary when a run is in progress (steering).
 * Wire name {@value #TYPE}.
 */
public record UserMessage(String text) implements SessionEvent {

    public static final String TYPE = "user.message";

    public UserMessage {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
