package dev.opencomputer.session;

/**
 * The session was idle long enough that its sandbox was stopped; the workspace is kept and the
 * next message wakes it.
 * Wire name {@value #TYPE}.
 */
public record SessionHibernated() implements SessionEvent {

    public static final String TYPE = "session.hibernated";

    @Override
    public String type() {
        return TYPE;
    }
}
