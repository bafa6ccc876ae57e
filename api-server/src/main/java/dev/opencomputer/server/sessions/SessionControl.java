package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import org.springframework.stereotype.Component;

/**
 * Stopping a session's current run: {@code run.cancelled} is appended to the log, and the worker
 * holding the session — on this replica or another — sees it through its subscription to the log
 * (PostgreSQL {@code NOTIFY}), abandons its model call or kills its command, answers the open tool
 * calls with "cancelled" and releases the lease. Only a session that is {@code pending},
 * {@code running} or {@code waiting} (its pending permission requests and client calls are settled
 * as cancelled: answering them afterwards is a 409) has a run to cancel; for any other cancelling changes nothing.
 */
@Component
public class SessionControl {

    /** The {@code run.cancelled} reason of {@code POST …/cancel}. */
    static final String REQUESTED = "requested";
    /** The {@code run.cancelled} reason of a message posted with {@code mode: interrupt}. */
    static final String INTERRUPTED = "interrupted by a new message";

    private final Sessions sessions;
    private final EventLog eventLog;

    SessionControl(Sessions sessions, EventLog eventLog) {
        this.sessions = sessions;
        this.eventLog = eventLog;
    }

    /** What a cancel did: the session afterwards, and whether there was a run to cancel. */
    public record Cancelled(SessionView session, boolean cancelled) {
    }

    /**
     * Cancels the tenant's session's current run, if it has one. The status read and the append are
     * not one transaction: a run that ends in between gets a {@code run.cancelled} after its end,
     * which changes nothing (the session is idle either way).
     */
    public Cancelled cancel(TenantId tenant, SessionId id) {
        SessionView session = sessions.find(tenant, id);
        if (!hasRun(session)) {
            return new Cancelled(session, false);
        }
        eventLog.append(id, new RunCancelled(REQUESTED));
        return new Cancelled(sessions.find(tenant, id), true);
    }

    /** Whether the session has a run that a cancel (or an interrupting message) stops. */
    static boolean hasRun(SessionView session) {
        SessionStatus status = SessionStatus.parse(session.status());
        return status == SessionStatus.PENDING || status == SessionStatus.RUNNING || status == SessionStatus.WAITING;
    }
}
