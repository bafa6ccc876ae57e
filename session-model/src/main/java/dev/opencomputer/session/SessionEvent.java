package dev.opencomputer.session;

/**
 * Something that happened in a session and is stored in its log, forever and in order. Each
 * record carries only the event's own data; its position ({@code seq}), session and time are in
 * the {@link LoggedEvent} that wraps it. The wire name of every type is {@code domain.action}
 * ({@link #type()}), listed with its data fields in {@code docs/events.md} and in
 * {@link EventCatalogue}.
 *
 * <p>The family is sealed so that every fold over a log ({@link SessionStatus#after}, the brain's
 * conversation) is an exhaustive {@code switch}: adding a type breaks the compile wherever it
 * must be handled. Types written by a newer version are read as {@link UnknownEvent}.
 */
public sealed interface SessionEvent
        permits SessionStarted, UserMessage, AgentMessage, ToolCalled, ToolResult, CommandRun,
                CommandExited, FileWritten, RuntimeCrashed, RuntimeRestarted, RunStarted, SessionIdle,
                SessionHibernated, SessionWoke, RunCancelled, RunStuck, SessionFailed, SessionClosed,
                WebhookSent, SessionConfigChanged, PullRequestOpened, McpConnected, McpServerFailed,
                PermissionRequested, PermissionAnswered, PermissionExpired, ClientToolCalled, BudgetChanged,
                BudgetWarning, BudgetExhausted, RuntimeReady, RuntimePrompted, RuntimeTranscript, AgentPlan,
                NetworkRequest, SandboxDiskExceeded, UnknownEvent {

    /** The wire name, {@code domain.action}. */
    String type();
}
