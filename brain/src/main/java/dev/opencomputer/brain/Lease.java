package dev.opencomputer.brain;

import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import java.util.Objects;

/**
 * A session claimed by a worker: the session is the worker's to run while the lease lasts.
 *
 * @param sessionId the session
 * @param token     the fencing token: every append of the run carries it, and fails once another
 *                  worker has claimed the session (which raises the token)
 * @param status    the session's status when it was claimed: {@code pending} (a new run starts) or
 *                  {@code running} (a run whose previous worker stopped is resumed)
 * @param lastSeq   the seq of the session's last event when it was claimed
 */
public record Lease(SessionId sessionId, long token, SessionStatus status, long lastSeq) {

    public Lease {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(status, "status");
    }

    /** Whether the claim picks up a run that another worker (or an earlier life of this one) left unfinished. */
    public boolean resumes() {
        return status == SessionStatus.RUNNING;
    }
}
