package dev.opencomputer.sdk.sessions;

import java.util.OptionalLong;

/**
 * An event of the session's append-only log. {@link #seq()} counts from 1 per session without
 * gaps; it is the cursor of {@link Sessions#events(String, long, int)} and of a resumed stream.
 */
public sealed interface StoredEvent extends SessionEvent permits SessionStarted, UserMessage, RunStarted,
        AgentMessage, ToolCalled, ToolResult, CommandRun, CommandExited, FileWritten, RuntimeCrashed,
        RuntimeRestarted, SessionIdle, SessionHibernated, SessionWoke, RunCancelled, RunStuck, SessionFailed,
        SessionClosed, WebhookSent, SessionConfigChanged, PullRequestOpened, McpConnected, McpServerFailed,
        PermissionRequested, PermissionAnswered, PermissionExpired, ClientToolCalled, BudgetChanged, BudgetWarning,
        BudgetExhausted {

    long seq();

    @Override
    default OptionalLong position() {
        return OptionalLong.of(seq());
    }
}
