package dev.opencomputer.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every event type this version knows, by wire name: the stored ones ({@link SessionEvent}) and
 * the ephemeral ones ({@link EphemeralEvent}). {@code docs/events.md} documents the same list.
 */
public final class EventCatalogue {

    private static final Map<String, Class<? extends SessionEvent>> STORED = new LinkedHashMap<>();
    private static final Map<String, Class<? extends EphemeralEvent>> EPHEMERAL = new LinkedHashMap<>();

    static {
        STORED.put(SessionStarted.TYPE, SessionStarted.class);
        STORED.put(UserMessage.TYPE, UserMessage.class);
        STORED.put(RunStarted.TYPE, RunStarted.class);
        STORED.put(AgentMessage.TYPE, AgentMessage.class);
        STORED.put(ToolCalled.TYPE, ToolCalled.class);
        STORED.put(ToolResult.TYPE, ToolResult.class);
        STORED.put(CommandRun.TYPE, CommandRun.class);
        STORED.put(CommandExited.TYPE, CommandExited.class);
        STORED.put(FileWritten.TYPE, FileWritten.class);
        STORED.put(RuntimeCrashed.TYPE, RuntimeCrashed.class);
        STORED.put(RuntimeRestarted.TYPE, RuntimeRestarted.class);
        STORED.put(SessionIdle.TYPE, SessionIdle.class);
        STORED.put(SessionHibernated.TYPE, SessionHibernated.class);
        STORED.put(SessionWoke.TYPE, SessionWoke.class);
        STORED.put(RunCancelled.TYPE, RunCancelled.class);
        STORED.put(RunStuck.TYPE, RunStuck.class);
        STORED.put(SessionFailed.TYPE, SessionFailed.class);
        STORED.put(SessionClosed.TYPE, SessionClosed.class);
        STORED.put(WebhookSent.TYPE, WebhookSent.class);
        STORED.put(SessionConfigChanged.TYPE, SessionConfigChanged.class);
        STORED.put(PullRequestOpened.TYPE, PullRequestOpened.class);
        STORED.put(McpConnected.TYPE, McpConnected.class);
        STORED.put(McpServerFailed.TYPE, McpServerFailed.class);
        STORED.put(PermissionRequested.TYPE, PermissionRequested.class);
        STORED.put(PermissionAnswered.TYPE, PermissionAnswered.class);
        STORED.put(PermissionExpired.TYPE, PermissionExpired.class);
        STORED.put(ClientToolCalled.TYPE, ClientToolCalled.class);
        STORED.put(BudgetChanged.TYPE, BudgetChanged.class);
        STORED.put(BudgetWarning.TYPE, BudgetWarning.class);
        STORED.put(BudgetExhausted.TYPE, BudgetExhausted.class);
        STORED.put(RuntimeReady.TYPE, RuntimeReady.class);
        STORED.put(RuntimePrompted.TYPE, RuntimePrompted.class);
        STORED.put(RuntimeTranscript.TYPE, RuntimeTranscript.class);
        STORED.put(AgentPlan.TYPE, AgentPlan.class);
        STORED.put(NetworkRequest.TYPE, NetworkRequest.class);
        STORED.put(SandboxDiskExceeded.TYPE, SandboxDiskExceeded.class);
        EPHEMERAL.put(AgentMessageDelta.TYPE, AgentMessageDelta.class);
        EPHEMERAL.put(AgentThinkingDelta.TYPE, AgentThinkingDelta.class);
        EPHEMERAL.put(CommandOutput.TYPE, CommandOutput.class);
    }

    private EventCatalogue() {
    }

    /** The record class of a stored type, empty when the type is unknown or ephemeral. */
    public static Optional<Class<? extends SessionEvent>> storedType(String type) {
        return Optional.ofNullable(STORED.get(type));
    }

    /** The record class of an ephemeral type, empty when the type is unknown or stored. */
    public static Optional<Class<? extends EphemeralEvent>> ephemeralType(String type) {
        return Optional.ofNullable(EPHEMERAL.get(type));
    }

    /** The wire name of a stored type; fails for {@link UnknownEvent}, which has none of its own. */
    public static String storedName(Class<? extends SessionEvent> type) {
        for (Map.Entry<String, Class<? extends SessionEvent>> entry : STORED.entrySet()) {
            if (entry.getValue() == type) {
                return entry.getKey();
            }
        }
        throw new IllegalArgumentException("not a stored event type: " + type.getName());
    }

    /** The wire names of the stored types, in catalogue order. */
    public static Set<String> storedTypes() {
        return Collections.unmodifiableSet(STORED.keySet());
    }

    /** The wire names of the ephemeral types, in catalogue order. */
    public static Set<String> ephemeralTypes() {
        return Collections.unmodifiableSet(EPHEMERAL.keySet());
    }

    /** Whether a wire name is an ephemeral type (never stored). */
    public static boolean isEphemeral(String type) {
        return EPHEMERAL.containsKey(type);
    }
}
