package dev.opencomputer.brain;

import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.BudgetKind;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.Spend;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The limits of one run, each a rule in one place: the agent's {@code maxSteps} (checked before a
 * model call), the agent's {@code maxRunTime} (before a model call, and while the run waits), and
 * the worker's {@code no-progress-timeout} (while the run waits: nothing appended for that long),
 * and the session's run-time budget while the run waits ({@link #pastBudget()}).
 * The run's own thread reports its progress and when it began; the worker's heartbeat thread asks
 * {@link #whileWaiting()}. Thread-safe.
 */
final class Watchdog {

    private final Duration noProgressTimeout;
    private final Clock clock;
    private final LongSupplier ticker;
    private volatile AgentSetup agent;
    private volatile Instant startedAt;
    private volatile long progressAtNanos;
    /** Set while the run ends as stuck, so that it is not stopped a second time. */
    private volatile boolean windingDown;
    /** Set while the run waits for a person (an ACP agent's permission request): waiting is not running time. */
    private volatile boolean outside;
    /** When the session's run-time budget runs out, if it has one and a run is in progress ({@link Budget}). */
    private volatile Instant budgetDeadline;
    private volatile BigDecimal runTimeLimit;

    /**
     * @param ticker monotonic nanoseconds ({@code System::nanoTime}) for the no-progress rule
     * @param sinceNanos when the run was claimed, by {@code ticker}: its progress is counted from then
     */
    Watchdog(Duration noProgressTimeout, Clock clock, LongSupplier ticker, long sinceNanos) {
        this.noProgressTimeout = noProgressTimeout;
        this.clock = clock;
        this.ticker = ticker;
        this.progressAtNanos = sinceNanos;
    }

    /** The agent whose limits apply, once the run knows it. */
    void limits(AgentSetup agent) {
        this.agent = agent;
    }

    /** A run began at {@code at} (the log's time of its {@code run.started}); the watch is on. */
    void runBegan(Instant at) {
        startedAt = at;
        windingDown = false;
    }

    /**
     * The run's thread tells when the session's run-time budget ({@code limit} seconds) runs out at
     * the current spend; null when it has none or no run is in progress.
     */
    void budgetDeadline(Instant at, BigDecimal limit) {
        runTimeLimit = limit;
        budgetDeadline = at;
    }

    /** While the run waits (the heartbeat asks): the {@code budget.exhausted} of a run-time budget that ran out. */
    Optional<BudgetExhausted> pastBudget() {
        Instant deadline = budgetDeadline;
        BigDecimal limit = runTimeLimit;
        Instant now = clock.instant();
        if (windingDown || outside || deadline == null || limit == null || now.isBefore(deadline)) {
            return Optional.empty();
        }
        BigDecimal used = limit.add(BigDecimal.valueOf(Duration.between(deadline, now).toMillis(), 3));
        return Optional.of(new BudgetExhausted(BudgetKind.RUN_TIME.wireName(), Spend.plain(used), limit));
    }

    /** The run appended something. */
    void progressed() {
        progressAtNanos = ticker.getAsLong();
    }

    /**
     * The run waits for an answer from outside with its lease held (an ACP agent's permission request,
     * {@code true}), or no longer does: while it waits, no limit applies; when it stops waiting, its
     * progress counts from then.
     */
    void waitingOutside(boolean waiting) {
        if (!waiting) {
            progressAtNanos = ticker.getAsLong();
        }
        outside = waiting;
    }

    /** The run is ending as stuck: no second stop. */
    void windDown() {
        windingDown = true;
    }

    /** Before a model call: {@code max_steps} after {@code steps} model calls of this run, else {@code max_duration}. */
    Optional<RunStuck> beforeStep(int steps) {
        AgentSetup limits = agent;
        if (steps >= limits.maxSteps()) {
            return Optional.of(new RunStuck("max_steps", "the run made " + steps
                    + " model calls, the agent's limit; send a message to go on"));
        }
        return overTime();
    }

    /** While the run waits (the heartbeat asks): {@code max_duration}, else {@code no_progress}. */
    Optional<RunStuck> whileWaiting() {
        if (windingDown || outside) {
            return Optional.empty();
        }
        Optional<RunStuck> late = overTime();
        if (late.isPresent()) {
            return late;
        }
        Duration quiet = Duration.ofNanos(ticker.getAsLong() - progressAtNanos);
        if (quiet.compareTo(noProgressTimeout) > 0) {
            return Optional.of(new RunStuck("no_progress", "the run appended nothing for " + quiet.toSeconds()
                    + " s (no-progress-timeout); send a message to go on"));
        }
        return Optional.empty();
    }

    private Optional<RunStuck> overTime() {
        AgentSetup limits = agent;
        Instant started = startedAt;
        if (limits == null || started == null) {
            return Optional.empty();
        }
        Duration took = Duration.between(started, clock.instant());
        if (took.compareTo(limits.maxRunTime()) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new RunStuck("max_duration", "the run took " + took.toSeconds()
                + " s, longer than the agent's limit of " + limits.maxRunTime().toSeconds()
                + " s; send a message to go on"));
    }
}
