package dev.opencomputer.session;

import java.util.Locale;

/**
 * Where a session stands, derived from its log by {@link #after(SessionEvent)}; the
 * {@code sessions.status} column is this fold, updated in the transaction that appends.
 *
 * <ul>
 *   <li>{@code pending}: there is input no worker has started on yet (a new session, or a
 *       message to an idle, hibernated or failed one); a brain worker may claim it.
 *   <li>{@code running}: a worker holds the session's lease and works on it.
 *   <li>{@code idle}: the last run is complete; the sandbox is up and waits for a message.
 *   <li>{@code waiting}: the run stopped for an answer from outside — a permission request or a
 *       client tool's result; idle-like: no worker holds it, it may hibernate (and stays
 *       {@code waiting}), waiting is not running time. The answer makes it {@code pending}; a message
 *       meanwhile waits with it.
 *   <li>{@code hibernated}: idle, with the sandbox stopped and the workspace kept.
 *   <li>{@code failed}: the last run ended with a permanent error; a new message retries.
 *   <li>{@code exhausted}: the last run stopped at one of the session's budgets
 *       ({@link BudgetExhausted}); a message is refused until the budget changes
 *       ({@link BudgetChanged}, back to {@code idle}).
 *   <li>{@code closed}: terminal; the log stays readable, nothing else changes.
 * </ul>
 */
public enum SessionStatus {
    PENDING, RUNNING, IDLE, HIBERNATED, FAILED, CLOSED, WAITING, EXHAUSTED;

    /** The lowercase wire name. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; throws {@link IllegalArgumentException} for anything else. */
    public static SessionStatus parse(String wireName) {
        for (SessionStatus status : values()) {
            if (status.wireName().equals(wireName)) {
                return status;
            }
        }
        throw new IllegalArgumentException("not a session status: " + wireName);
    }

    /** Whether nothing can change this session any more. */
    public boolean isTerminal() {
        return this == CLOSED;
    }

    /**
     * Whether the session may hibernate once it has been so for long enough: idle, waiting (for a
     * person or a backend) or exhausted (waiting for its budget to be raised).
     */
    public boolean isIdleLike() {
        return this == IDLE || this == WAITING || this == EXHAUSTED;
    }

    /** Whether a brain worker has something to do: a pending or running session. */
    public boolean isRunnable() {
        return this == PENDING || this == RUNNING;
    }

    /** The status after {@code event} is appended to a session in this status. */
    public SessionStatus after(SessionEvent event) {
        if (this == CLOSED) {
            return CLOSED;
        }
        return switch (event) {
            case SessionStarted e -> PENDING;
            case UserMessage e -> this == RUNNING || this == WAITING ? this : PENDING;
            case RunStarted e -> RUNNING;
            case SessionIdle e -> IDLE;
            case RunCancelled e -> IDLE;
            case RunStuck e -> IDLE;
            case SessionHibernated e -> this == IDLE || this == EXHAUSTED ? HIBERNATED : this;
            case SessionWoke e -> this == HIBERNATED ? IDLE : this;
            case SessionFailed e -> FAILED;
            case SessionClosed e -> CLOSED;
            case AgentMessage e -> this;
            case ToolCalled e -> this;
            case ToolResult e -> this == WAITING ? PENDING : this; // a client tool's result
            case CommandRun e -> this;
            case CommandExited e -> this;
            case FileWritten e -> this;
            case RuntimeCrashed e -> this;
            case RuntimeRestarted e -> this;
            case WebhookSent e -> this;
            case PullRequestOpened e -> this;
            case McpConnected e -> this;
            case McpServerFailed e -> this;
            case RuntimeReady e -> this;
            case RuntimePrompted e -> this;
            case RuntimeTranscript e -> this;
            case AgentPlan e -> this;
            case NetworkRequest e -> this;
            case SandboxDiskExceeded e -> this;
            case SessionConfigChanged e -> this;
            case PermissionRequested e -> WAITING;
            case ClientToolCalled e -> WAITING;
            case PermissionAnswered e -> this == WAITING ? PENDING : this;
            case PermissionExpired e -> this == WAITING ? PENDING : this;
            case BudgetWarning e -> this;
            case BudgetExhausted e -> EXHAUSTED;
            case BudgetChanged e -> this == EXHAUSTED ? IDLE : this;
            case UnknownEvent e -> this;
        };
    }

    /** The status after every event of {@code events}, in order, starting from a new session. */
    public static SessionStatus fold(Iterable<? extends SessionEvent> events) {
        SessionStatus status = PENDING;
        for (SessionEvent event : events) {
            status = status.after(event);
        }
        return status;
    }
}
