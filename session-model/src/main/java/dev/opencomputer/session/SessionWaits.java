package dev.opencomputer.session;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a session waits for from outside, folded from its log: permission requests nobody answered
 * yet ({@link PermissionRequested} without a {@link PermissionAnswered} or {@link PermissionExpired})
 * and client tool calls without a result ({@link ClientToolCalled} without a {@link ToolResult}), and
 * how each settled request was answered. A {@link RunCancelled}, {@link SessionFailed} or
 * {@link SessionClosed} settles whatever is pending: answering it afterwards is refused. Only the
 * first answer of a request counts; a repeated request (same id) stays one request.
 *
 * <p>The API lists and checks answers with it; the brain reads from it whether a call may run. Fed
 * in seq order by one thread.
 */
public final class SessionWaits {

    /** A permission request still waiting for its answer. */
    public record Approval(long seq, Instant requestedAt, PermissionRequested request) {
    }

    /** A client tool call still waiting for its result. */
    public record ClientCall(long seq, Instant calledAt, ClientToolCalled call) {
    }

    /** How a settled request was answered: {@code expired} is a deny nobody gave. */
    public record Answer(String requestId, boolean allowed, String message, boolean expired) {
    }

    private final Map<String, Approval> approvals = new LinkedHashMap<>();
    private final Map<String, ClientCall> clientCalls = new LinkedHashMap<>();
    private final Set<String> settledRequests = new HashSet<>();
    private final Set<String> settledCalls = new HashSet<>();
    /** The answer of each call's latest settled request, by call id. */
    private final Map<String, Answer> answersByCall = new HashMap<>();

    /** The waits after every event of {@code events}, in order. */
    public static SessionWaits of(Iterable<LoggedEvent> events) {
        SessionWaits waits = new SessionWaits();
        events.forEach(waits::apply);
        return waits;
    }

    /** Folds the next event. */
    public void apply(LoggedEvent logged) {
        switch (logged.event()) {
            case PermissionRequested r -> {
                if (!settledRequests.contains(r.requestId())) {
                    approvals.putIfAbsent(r.requestId(), new Approval(logged.seq(), logged.time(), r));
                }
            }
            case PermissionAnswered a -> settle(a.requestId(),
                    new Answer(a.requestId(), a.allowed(), a.message(), false));
            case PermissionExpired x -> settle(x.requestId(), new Answer(x.requestId(), false, null, true));
            case ClientToolCalled c -> {
                if (!settledCalls.contains(c.callId())) {
                    clientCalls.putIfAbsent(c.callId(), new ClientCall(logged.seq(), logged.time(), c));
                }
            }
            case ToolResult t -> callEnded(t.callId());
            case CommandExited e -> callEnded(e.callId());
            case RunCancelled e -> settleAll();
            case SessionFailed e -> settleAll();
            case SessionClosed e -> settleAll();
            default -> {
            }
        }
    }

    private void settle(String requestId, Answer answer) {
        Approval pending = approvals.remove(requestId);
        if (pending != null) {
            settledRequests.add(requestId);
            answersByCall.put(pending.request().callId(), answer);
        }
    }

    private void callEnded(String callId) {
        if (clientCalls.remove(callId) != null) {
            settledCalls.add(callId);
        }
        approvals.values().removeIf(a -> {
            boolean ended = a.request().callId().equals(callId);
            if (ended) {
                settledRequests.add(a.request().requestId());
            }
            return ended;
        });
    }

    private void settleAll() {
        settledRequests.addAll(approvals.keySet());
        settledCalls.addAll(clientCalls.keySet());
        approvals.clear();
        clientCalls.clear();
    }

    /** The unanswered permission requests, oldest first. */
    public List<Approval> approvals() {
        return List.copyOf(approvals.values());
    }

    /** The client tool calls without a result, oldest first. */
    public List<ClientCall> clientCalls() {
        return List.copyOf(clientCalls.values());
    }

    /** The unanswered request {@code requestId}. */
    public Optional<Approval> approval(String requestId) {
        return Optional.ofNullable(approvals.get(requestId));
    }

    /** The unanswered request of the call {@code callId}. */
    public Optional<Approval> approvalOf(String callId) {
        return approvals.values().stream().filter(a -> a.request().callId().equals(callId)).findFirst();
    }

    /** The client call {@code callId} while it waits for its result. */
    public Optional<ClientCall> clientCall(String callId) {
        return Optional.ofNullable(clientCalls.get(callId));
    }

    /** Whether the request {@code requestId} was answered, expired or cancelled. */
    public boolean settledRequest(String requestId) {
        return settledRequests.contains(requestId);
    }

    /** Whether the client call {@code callId} got its result or was cancelled. */
    public boolean settledCall(String callId) {
        return settledCalls.contains(callId);
    }

    /** How the latest settled request of the call {@code callId} was answered. */
    public Optional<Answer> answerOf(String callId) {
        return Optional.ofNullable(answersByCall.get(callId));
    }

    /** Whether anything is waiting for an answer from outside. */
    public boolean waiting() {
        return !approvals.isEmpty() || !clientCalls.isEmpty();
    }
}
