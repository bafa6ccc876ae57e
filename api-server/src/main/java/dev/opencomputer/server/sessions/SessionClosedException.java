package dev.opencomputer.server.sessions;

/** The session is closed and takes no more input. */
public class SessionClosedException extends RuntimeException {

    private final String sessionId;

    public SessionClosedException(String sessionId) {
        super("session " + sessionId + " is closed and takes no more messages");
        this.sessionId = sessionId;
    }

    public String sessionId() {
        return sessionId;
    }
}
