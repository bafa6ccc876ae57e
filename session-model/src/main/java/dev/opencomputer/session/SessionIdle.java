package dev.opencomputer.session;

/**
 * The run is complete: the model ended its turn, and the session waits for the next
 * {@link UserMessage}.
 * Wire name {@value #TYPE}.
 */
public record SessionIdle() implements SessionEvent {

    public static final String TYPE = "session.idle";

    @Override
    public String type() {
        return TYPE;
    }
}
