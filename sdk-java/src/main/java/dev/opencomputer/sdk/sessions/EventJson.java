package dev.opencomputer.sdk.sessions;

import dev.opencomputer.sdk.internal.Transport;
import dev.opencomputer.sdk.sse.ServerSentEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Reads session events from their JSON envelope {@code {seq, sessionId, type, time, data}} into the
 * records of the catalogue; anything else becomes an {@link UnknownEvent}. Never throws.
 */
final class EventJson {

    static final JsonMapper JSON = Transport.mapper();

    private static final Map<String, Class<? extends SessionEvent>> TYPES = Map.ofEntries(
            Map.entry(SessionStarted.TYPE, SessionStarted.class),
            Map.entry(UserMessage.TYPE, UserMessage.class),
            Map.entry(RunStarted.TYPE, RunStarted.class),
            Map.entry(AgentMessage.TYPE, AgentMessage.class),
            Map.entry(ToolCalled.TYPE, ToolCalled.class),
            Map.entry(ToolResult.TYPE, ToolResult.class),
            Map.entry(PermissionRequested.TYPE, PermissionRequested.class),
            Map.entry(PermissionAnswered.TYPE, PermissionAnswered.class),
            Map.entry(PermissionExpired.TYPE, PermissionExpired.class),
            Map.entry(ClientToolCalled.TYPE, ClientToolCalled.class),
            Map.entry(CommandRun.TYPE, CommandRun.class),
            Map.entry(CommandExited.TYPE, CommandExited.class),
            Map.entry(FileWritten.TYPE, FileWritten.class),
            Map.entry(RuntimeCrashed.TYPE, RuntimeCrashed.class),
            Map.entry(RuntimeRestarted.TYPE, RuntimeRestarted.class),
            Map.entry(SessionIdle.TYPE, SessionIdle.class),
            Map.entry(SessionHibernated.TYPE, SessionHibernated.class),
            Map.entry(SessionWoke.TYPE, SessionWoke.class),
            Map.entry(RunCancelled.TYPE, RunCancelled.class),
            Map.entry(RunStuck.TYPE, RunStuck.class),
            Map.entry(SessionFailed.TYPE, SessionFailed.class),
            Map.entry(SessionClosed.TYPE, SessionClosed.class),
            Map.entry(WebhookSent.TYPE, WebhookSent.class),
            Map.entry(PullRequestOpened.TYPE, PullRequestOpened.class),
            Map.entry(McpConnected.TYPE, McpConnected.class),
            Map.entry(McpServerFailed.TYPE, McpServerFailed.class),
            Map.entry(SessionConfigChanged.TYPE, SessionConfigChanged.class),
            Map.entry(BudgetChanged.TYPE, BudgetChanged.class),
            Map.entry(BudgetWarning.TYPE, BudgetWarning.class),
            Map.entry(BudgetExhausted.TYPE, BudgetExhausted.class),
            Map.entry(AgentDelta.TYPE, AgentDelta.class),
            Map.entry(AgentThinkingDelta.TYPE, AgentThinkingDelta.class),
            Map.entry(CommandOutput.TYPE, CommandOutput.class));

    private EventJson() {
    }

    /** An event received on a stream: its data is the envelope; the SSE id and type fill gaps. */
    static SessionEvent read(ServerSentEvent event) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(event.data());
        } catch (JacksonException e) {
            envelope = null;
        }
        if (envelope == null || !envelope.isObject()) {
            return new UnknownEvent(seqOf(event.id()), null, event.event(), null, StringNode.valueOf(event.data()));
        }
        return read(envelope, event.event());
    }

    /** An event from its envelope; {@code fallbackType} names it when the envelope does not. */
    static SessionEvent read(JsonNode envelope, String fallbackType) {
        String type = envelope.path("type").isString() ? envelope.path("type").asString() : fallbackType;
        JsonNode data = envelope.path("data");
        Long seq = envelope.path("seq").isIntegralNumber() ? envelope.path("seq").asLong() : null;
        Class<? extends SessionEvent> known = TYPES.get(type);
        boolean stored = known != null && StoredEvent.class.isAssignableFrom(known);
        // A stored type must come with its seq; an ephemeral one never has one.
        if (known != null && (data.isObject() || data.isMissingNode() || data.isNull()) && stored == (seq != null)) {
            ObjectNode flat = data.isObject() ? ((ObjectNode) data).deepCopy() : JSON.createObjectNode();
            for (String field : new String[] {"sessionId", "time"}) {
                JsonNode value = envelope.get(field);
                if (value != null) {
                    flat.set(field, value);
                }
            }
            if (seq != null) {
                flat.put("seq", seq);
            }
            try {
                return JSON.treeToValue(flat, known);
            } catch (JacksonException | IllegalArgumentException e) {
                // Data that does not fit the known shape is kept raw rather than lost or fatal.
            }
        }
        return new UnknownEvent(seq, text(envelope.path("sessionId")), type, time(envelope.path("time")),
                data.isMissingNode() ? JSON.createObjectNode() : data);
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }

    private static Instant time(JsonNode node) {
        try {
            return node.isString() ? Instant.parse(node.asString()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Long seqOf(String id) {
        try {
            return id == null || id.isEmpty() ? null : Long.valueOf(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
