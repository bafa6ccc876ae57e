package dev.opencomputer.eventlog;

import dev.opencomputer.session.SessionId;

/** There is no session with this id. */
public class SessionNotFoundException extends RuntimeException {

    private final transient SessionId sessionId;

    public SessionNotFoundException(SessionId sessionId) {
        super("no session " + sessionId);
        this.sessionId = sessionId;
    }

    public SessionId sessionId() {
        return sessionId;
    }
}
