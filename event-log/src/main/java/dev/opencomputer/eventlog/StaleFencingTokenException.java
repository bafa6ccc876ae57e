package dev.opencomputer.eventlog;

import dev.opencomputer.session.SessionId;

/**
 * An append carried a fencing token that is no longer the session's: the appender lost the
 * session's lease to another worker. Not retryable; the appender must stop working on the session.
 */
public class StaleFencingTokenException extends RuntimeException {

    private final transient SessionId sessionId;
    private final long presented;
    private final long current;

    public StaleFencingTokenException(SessionId sessionId, long presented, long current) {
        super("session " + sessionId + " is fenced at token " + current + ", append carried " + presented);
        this.sessionId = sessionId;
        this.presented = presented;
        this.current = current;
    }

    public SessionId sessionId() {
        return sessionId;
    }

    /** The token the append carried. */
    public long presented() {
        return presented;
    }

    /** The session's token when the append was refused. */
    public long current() {
        return current;
    }
}
