package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.BrainWorker;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.ClientToolCalled;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PermissionAnswered;
import dev.opencomputer.session.PermissionExpired;
import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.SessionClosed;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionWaits;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.ToolResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Answers what a session waits for: a permission request ({@code permission.answered}) or a client
 * tool call (its {@code tool.result}), and lists what is still pending. Each answer is checked
 * against the fold of the session's log ({@link SessionWaits}) and appended while a transaction
 * holds a PostgreSQL advisory lock on the session, taken by every answerer on every replica (and by
 * the expiry sweeper), so of two concurrent answers exactly one is stored and the other is refused
 * with {@link AlreadyAnsweredException}. The answer makes the session pending and wakes this
 * replica's brain worker; any replica's worker may pick it up.
 */
@Component
public class SessionAnswers {

    /** The event types the fold of waits needs. */
    static final Set<Class<? extends SessionEvent>> WAIT_TYPES = Set.of(PermissionRequested.class,
            PermissionAnswered.class, PermissionExpired.class, ClientToolCalled.class, ToolResult.class,
            CommandExited.class, RunCancelled.class, SessionFailed.class, SessionClosed.class);
    private static final int MAX_MESSAGE = 10_000;

    private final Sessions sessions;
    private final EventLog eventLog;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final SessionsProperties properties;
    private final ObjectProvider<BrainWorker> brain;

    SessionAnswers(Sessions sessions, EventLog eventLog, JdbcClient jdbc, TransactionTemplate transactions,
            SessionsProperties properties, ObjectProvider<BrainWorker> brain) {
        this.sessions = sessions;
        this.eventLog = eventLog;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.brain = brain;
    }

    /** The body of {@code POST …/permissions/{requestId}}. */
    public record Decision(String decision, String message) {
    }

    /** The body of {@code POST …/tool-results}. */
    public record ToolOutput(String callId, String output, Boolean error) {
    }

    /** What the session waits for now. */
    public PendingWaits pending(SessionId id) {
        return PendingWaits.of(waits(id));
    }

    /** Answers the permission request {@code requestId}; returns the stored {@code permission.answered}. */
    public LoggedEvent answer(Caller caller, TenantId tenant, SessionId id, String requestId, Decision body) {
        List<FieldViolation> v = new ArrayList<>();
        if (body == null || !PermissionAnswered.ALLOW.equals(body.decision())
                && !PermissionAnswered.DENY.equals(body.decision())) {
            v.add(new FieldViolation("decision", "must be allow or deny"));
        }
        if (body != null && body.message() != null && body.message().length() > MAX_MESSAGE) {
            v.add(new FieldViolation("message", "must be at most " + MAX_MESSAGE + " characters"));
        }
        if (!v.isEmpty()) {
            throw new RequestInvalidException(v);
        }
        sessions.find(tenant, id);
        return locked(id, waits -> {
            if (waits.approval(requestId).isEmpty()) {
                throw waits.settledRequest(requestId)
                        ? new AlreadyAnsweredException(requestId, "the permission request " + requestId
                                + " no longer waits: it was answered, expired or cancelled")
                        : new ResourceNotFoundException("permission request", requestId);
            }
            return new PermissionAnswered(requestId, body.decision(), blankToNull(body.message()), by(caller));
        });
    }

    /** Stores a client tool's result as the call's {@code tool.result}. */
    public LoggedEvent submit(TenantId tenant, SessionId id, ToolOutput body) {
        List<FieldViolation> v = new ArrayList<>();
        if (body == null || body.callId() == null || body.callId().isBlank()) {
            v.add(new FieldViolation("callId", "is required"));
        }
        if (body != null && body.output() != null && body.output().length() > properties.maxMessageLength()) {
            v.add(new FieldViolation("output", "is longer than " + properties.maxMessageLength() + " characters"));
        }
        if (!v.isEmpty()) {
            throw new RequestInvalidException(v);
        }
        sessions.find(tenant, id);
        return locked(id, waits -> {
            var call = waits.clientCall(body.callId());
            if (call.isEmpty()) {
                throw waits.settledCall(body.callId())
                        ? new AlreadyAnsweredException(body.callId(), "the client tool call " + body.callId()
                                + " no longer waits: it has its result or was cancelled")
                        : new ResourceNotFoundException("client tool call", body.callId());
            }
            return new ToolResult(body.callId(), call.get().call().name(), body.output(),
                    Boolean.TRUE.equals(body.error()));
        });
    }

    /**
     * Appends what {@code decide} makes of the session's waits, under the session's advisory lock,
     * so that the check and the append are one step for every answerer; {@code decide} answers null
     * to append nothing (and null is returned).
     */
    LoggedEvent locked(SessionId id, Function<SessionWaits, SessionEvent> decide) {
        LoggedEvent stored = transactions.execute(tx -> {
            jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 20))").param("oc-waits:" + id.value())
                    .query((rs, n) -> 1).list();
            SessionEvent answer = decide.apply(waits(id));
            return answer == null ? null : eventLog.append(id, answer);
        });
        if (stored != null) {
            brain.ifAvailable(BrainWorker::wake);
        }
        return stored;
    }

    /** Expires each request of {@code id} whose time is up at {@code now}; answers how many expired. */
    int expire(SessionId id, Instant now) {
        int expired = 0;
        for (SessionWaits.Approval approval : waits(id).approvals()) {
            Instant at = approval.request().expiresAt();
            if (at != null && !at.isAfter(now)) {
                String requestId = approval.request().requestId();
                if (locked(id, waits -> waits.approval(requestId).isPresent() ? new PermissionExpired(requestId)
                        : null) != null) {
                    expired++;
                }
            }
        }
        return expired;
    }

    private SessionWaits waits(SessionId id) {
        return SessionWaits.of(eventLog.readOfTypes(id, WAIT_TYPES));
    }

    private static String by(Caller caller) {
        return switch (caller) {
            case Caller.TenantKey key -> "api_key:" + key.keyId();
            case Caller.SessionClient client -> "client_token";
            case Caller.Operator operator -> "operator";
        };
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
