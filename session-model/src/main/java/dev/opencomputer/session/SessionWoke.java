package dev.opencomputer.session;

/**
 * The sandbox of a hibernated session was started again on the same workspace.
 * Wire name {@value #TYPE}.
 */
public record SessionWoke() implements SessionEvent {

    public static final String TYPE = "session.woke";

    @Override
    public String type() {
        return TYPE;
    }
}
