package dev.opencomputer.server.sessions;

/**
 * A permission request or client tool call that no longer waits was answered: it was answered
 * before, expired, or settled by a cancel. Problem type {@code already-answered} (409).
 */
public class AlreadyAnsweredException extends RuntimeException {

    private final String id;

    public AlreadyAnsweredException(String id, String why) {
        super(why);
        this.id = id;
    }

    /** The request or call id. */
    public String id() {
        return id;
    }
}
