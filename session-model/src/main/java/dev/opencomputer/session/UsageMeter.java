package dev.opencomputer.session;

import java.time.Instant;
import java.util.Set;

/**
 * What one session used in a window {@code [from, to)}, folded from its log in seq order: the time it
 * was running and the model calls it made. A run is in progress from {@link RunStarted} (or a
 * {@link RuntimeRestarted} that resumes one) until {@link SessionIdle}, {@link RunCancelled},
 * {@link RunStuck}, {@link BudgetExhausted}, {@link SessionFailed} or {@link SessionClosed}, or starts to wait for a person or a
 * backend ({@link PermissionRequested}, {@link ClientToolCalled}: waiting is not running); a run still in progress counts
 * until {@code to}. The calls and tokens are those of each {@link AgentMessage} appended in the window.
 * Not thread-safe: one meter per session and fold.
 */
public final class UsageMeter {

    /** The only event types that can change a figure; a reader may skip the rest. */
    public static final Set<Class<? extends SessionEvent>> METERED = Set.of(RunStarted.class,
            RuntimeRestarted.class, SessionIdle.class, RunCancelled.class, RunStuck.class, SessionFailed.class,
            SessionClosed.class, BudgetExhausted.class, AgentMessage.class, PermissionRequested.class,
            ClientToolCalled.class);

    /** The figures: running time in milliseconds, model calls and their tokens. */
    public record Metered(long runningMillis, long calls, TokenUsage tokens) {

        public static final Metered NONE = new Metered(0, 0, TokenUsage.NONE);

        public boolean isEmpty() {
            return runningMillis == 0 && calls == 0;
        }

        public Metered plus(Metered other) {
            return new Metered(runningMillis + other.runningMillis, calls + other.calls, tokens.plus(other.tokens));
        }
    }

    private final Instant from;
    private final Instant to;
    private long runningMillis;
    private long calls;
    private TokenUsage tokens = TokenUsage.NONE;
    private Instant runningSince;

    public UsageMeter(Instant from, Instant to) {
        this.from = from;
        this.to = to;
    }

    /** Folds the next event of the session's log. */
    public void apply(LoggedEvent logged) {
        Instant at = logged.time();
        switch (logged.event()) {
            case RunStarted e -> runStarts(at);
            case RuntimeRestarted e -> runStarts(at);
            case AgentMessage m -> {
                if (!at.isBefore(from)) {
                    calls++;
                    tokens = tokens.plus(m.usage());
                }
            }
            case SessionIdle e -> runEnds(at);
            case RunCancelled e -> runEnds(at);
            case RunStuck e -> runEnds(at);
            case SessionFailed e -> runEnds(at);
            case SessionClosed e -> runEnds(at);
            // waiting for a person or a backend is not running time; the next run.started meters again
            case PermissionRequested e -> runEnds(at);
            case ClientToolCalled e -> runEnds(at);
            case BudgetExhausted e -> runEnds(at);
            // Not metered (and not in METERED):
            case SessionStarted e -> { }
            case UserMessage e -> { }
            case ToolCalled e -> { }
            case ToolResult e -> { }
            case CommandRun e -> { }
            case CommandExited e -> { }
            case FileWritten e -> { }
            case RuntimeCrashed e -> { }
            case SessionHibernated e -> { }
            case SessionWoke e -> { }
            case WebhookSent e -> { }
            case PullRequestOpened e -> { }
            case McpConnected e -> { }
            case McpServerFailed e -> { }
            case PermissionAnswered e -> { }
            case PermissionExpired e -> { }
            case RuntimeReady e -> { }
            case RuntimePrompted e -> { }
            case RuntimeTranscript e -> { }
            case AgentPlan e -> { }
            case NetworkRequest e -> { }
            case SandboxDiskExceeded e -> { }
            case SessionConfigChanged e -> { }
            case BudgetChanged e -> { }
            case BudgetWarning e -> { }
            case UnknownEvent e -> { }
        }
    }

    /** The figures so far, a run in progress counting until the window's end. */
    public Metered metered() {
        long millis = runningMillis + (runningSince == null ? 0 : overlap(runningSince, to));
        return new Metered(millis, calls, tokens);
    }

    private void runStarts(Instant at) {
        if (runningSince == null) {
            runningSince = at;
        }
    }

    private void runEnds(Instant at) {
        if (runningSince != null) {
            runningMillis += overlap(runningSince, at);
            runningSince = null;
        }
    }

    private long overlap(Instant start, Instant stop) {
        Instant a = start.isBefore(from) ? from : start;
        Instant b = stop.isAfter(to) ? to : stop;
        return b.isAfter(a) ? b.toEpochMilli() - a.toEpochMilli() : 0;
    }
}
