package dev.opencomputer.eventlog;

import dev.opencomputer.session.SessionId;

/** A session with this id exists already. */
public class SessionAlreadyExistsException extends RuntimeException {

    private final transient SessionId sessionId;

    public SessionAlreadyExistsException(SessionId sessionId) {
        super("session " + sessionId + " exists already");
        this.sessionId = sessionId;
    }

    public SessionId sessionId() {
        return sessionId;
    }
}
