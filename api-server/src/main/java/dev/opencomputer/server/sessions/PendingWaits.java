package dev.opencomputer.server.sessions;

import dev.opencomputer.session.SessionWaits;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a session waits for, as {@code GET /v1/sessions/{id}} shows it: the unanswered permission
 * requests and the client tool calls without a result, oldest first.
 */
public record PendingWaits(List<Permission> permissions, List<ClientToolCall> clientToolCalls) {

    /** A permission request to answer with {@code POST …/permissions/{requestId}}. */
    public record Permission(String requestId, String callId, String tool, Map<String, Object> input,
            Instant requestedAt, Instant expiresAt) {
    }

    /** A client tool call to answer with {@code POST …/tool-results}. */
    public record ClientToolCall(String callId, String name, Map<String, Object> input, Instant calledAt) {
    }

    static final PendingWaits NONE = new PendingWaits(List.of(), List.of());

    static PendingWaits of(SessionWaits waits) {
        return new PendingWaits(
                waits.approvals().stream().map(a -> new Permission(a.request().requestId(), a.request().callId(),
                        a.request().tool(), a.request().input(), a.requestedAt(), a.request().expiresAt())).toList(),
                waits.clientCalls().stream().map(c -> new ClientToolCall(c.call().callId(), c.call().name(),
                        c.call().input(), c.calledAt())).toList());
    }
}
