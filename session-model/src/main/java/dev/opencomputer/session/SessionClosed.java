package dev.opencomputer.session;

/**
 * The session was closed: its sandbox is gone, its log stays readable, it takes no more input.
 * Wire name {@value #TYPE}.
 */
public record SessionClosed(String reason) implements SessionEvent {

    public static final String TYPE = "session.closed";

    @Override
    public String type() {
        return TYPE;
    }
}
