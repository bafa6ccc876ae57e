package dev.opencomputer.brain;

import dev.opencomputer.brain.RunSignals.Stop;
import dev.opencomputer.brain.RunSignals.Stopped;
import dev.opencomputer.eventlog.StaleFencingTokenException;
import dev.opencomputer.session.ClientToolCalled;
import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.BudgetKind;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's turn at one session, under one lease, on its own virtual thread: fold the log, mark
 * the run as started (or resumed), make sure the sandbox runs, then decide one step at a time, after
 * re-reading the log (steering): answer a call that will not run, let the {@link AgentRuntime} take
 * a step, or end the run (idle, a limit reached).
 *
 * <p>Appends are fenced ({@link RunLog}) and made before the next thing happens, so a run that dies
 * anywhere resumes from the log alone; stops from outside arrive through {@link RunSignals}.
 */
final class SessionRun implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SessionRun.class);

    /** How a run ended, for the worker. */
    enum Ending {
        /** The run is over (idle, failed, stuck) and its lease released. */
        FINISHED,
        /** The run was stopped for a shutdown and its lease released. */
        RELEASED,
        /** The lease was lost; nothing was appended after that. */
        LOST,
        /** The run broke (database or engine unavailable, a bug); its lease expires and it is resumed then. */
        ABANDONED
    }

    private final RunContext context;
    private final Lease lease;
    private final SessionId id;
    private final BiConsumer<SessionRun, Ending> onEnd;
    private final Conversation conversation = new Conversation();
    private final RunSignals signals = new RunSignals();
    private final Watchdog watchdog;
    private final RunLog runLog;
    private volatile long renewedAtNanos;
    private CancelWatch cancels;
    private OpenCalls calls;
    private AgentRuntime runtime;
    private Budget budget;
    private boolean over;

    SessionRun(RunContext context, Lease lease, long claimedAtNanos, BiConsumer<SessionRun, Ending> onEnd) {
        this.context = context;
        this.lease = lease;
        this.id = lease.sessionId();
        this.onEnd = onEnd;
        this.renewedAtNanos = claimedAtNanos;
        this.watchdog = new Watchdog(context.properties().noProgressTimeout(), context.clock(), context.ticker(),
                claimedAtNanos);
        this.runLog = new RunLog(context.eventLog(), id, lease.token(), conversation, signals, watchdog);
    }

    Lease lease() {
        return lease;
    }

    SessionId sessionId() {
        return id;
    }

    long renewedAtNanos() {
        return renewedAtNanos;
    }

    void renewed(long nanos) {
        renewedAtNanos = nanos;
    }

    /** Tells the run to stop (see {@link RunSignals#stop}); harmless after the run ended. */
    void stop(Stop reason) {
        signals.stop(reason);
    }

    /** The heartbeat's watchdog: stops a waiting run over its time or without progress. */
    void watch() {
        Optional<RunStuck> stuck = watchdog.whileWaiting();
        if (stuck.isPresent()) {
            signals.stuck(stuck.get());
        } else {
            watchdog.pastBudget().ifPresent(signals::stuck);
        }
    }

    @Override
    public void run() {
        signals.bind();
        Ending ending;
        try {
            work();
            closeRuntime(); // before the lease goes: what it still has to store is stored under it
            ending = release() ? Ending.FINISHED : Ending.LOST;
        } catch (Stopped stopped) {
            ending = stopped.reason() != Stop.LEASE_LOST && release() ? Ending.RELEASED : Ending.LOST;
            log.info("run of {} stopped: {}", id, stopped.reason());
        } catch (RunLog.LogRewound e) {
            ending = release() ? Ending.RELEASED : Ending.LOST;
            log.warn("run of {} stopped: {}; it resumes from the log as stored", id, e.getMessage());
        } catch (StaleFencingTokenException e) {
            ending = Ending.LOST;
            log.info("run of {} stopped: another worker holds the session now (token {} > {})", id, e.current(),
                    e.presented());
        } catch (RuntimeException e) {
            Stop reason = signals.reason();
            if (reason != null) {
                ending = reason != Stop.LEASE_LOST && release() ? Ending.RELEASED : Ending.LOST;
                log.info("run of {} stopped: {} ({})", id, reason, e.toString());
            } else {
                ending = Ending.ABANDONED;
                log.warn("run of {} broke off; it is resumed once its lease expires", id, e);
            }
        } finally {
            if (cancels != null) {
                cancels.close();
            }
            closeRuntime();
            signals.unbind();
        }
        onEnd.accept(this, ending);
    }

    private void closeRuntime() {
        AgentRuntime open = runtime;
        runtime = null;
        if (open != null) {
            try {
                open.close();
            } catch (RuntimeException e) {
                log.warn("closing the runtime of {} failed: {}", id, e.toString());
            }
        }
    }

    private boolean release() {
        try {
            return context.leases().release(context.workerId(), lease);
        } catch (RuntimeException e) {
            log.warn("cannot release the lease of {}; it expires on its own: {}", id, e.toString());
            return true;
        }
    }

    private void work() {
        runLog.catchUp();
        if (conversation.closed()) {
            return;
        }
        Optional<SessionSetup> loaded = context.setups().load(id);
        if (loaded.isEmpty()) {
            new OpenCalls(runLog, null).answerNotRun("not run: the session's setup is gone");
            runLog.append(new SessionFailed("session_setup_missing",
                    "the session's agent version or sandbox no longer exists; it cannot run"));
            return;
        }
        SessionSetup setup = loaded.get();
        SandboxTools tools = new SandboxTools(context.sandboxes(), setup, context.properties());
        SandboxRecovery sandbox = new SandboxRecovery(context.sandboxes(), setup, tools, runLog);
        calls = new OpenCalls(runLog, tools, BrainToolStep.rerunnable(context, setup, runLog));
        watchdog.limits(setup.agent());
        budget = Budget.load(context.eventLog(), id, setup.agent().budget(), context.prices());
        runLog.folding(budget);
        cancels = CancelWatch.start(context.eventLog(), id, conversation.lastSeq(), signals);
        log.info("{} {} from seq {}", lease.resumes() ? "resuming" : "starting", id, conversation.lastSeq());
        begin(lease.resumes() ? new RuntimeRestarted(conversation.lastSeq()) : new RunStarted());
        if (conversation.restartsWithoutProgress() > context.properties().maxRestarts()) {
            calls.answerNotRun("not run: the session failed first");
            runLog.append(new SessionFailed("restart_loop", "the run was resumed "
                    + conversation.restartsWithoutProgress() + " times in a row without progress; send a message "
                    + "to try again"));
            return;
        }
        sandbox.ensureRunning();
        runtime = context.runtime().open(new RunScope(context, setup, runLog, signals, tools, sandbox, budget));
        while (!over) {
            try {
                step();
            } catch (Stopped stopped) {
                handle(stopped);
            }
        }
    }

    /** One decision of the run, after re-reading the log. */
    private void step() {
        signals.check();
        runLog.catchUp();
        if (conversation.closed()) {
            over = true;
            return;
        }
        if (overBudget()) {
            return;
        }
        Instant now = context.clock().instant();
        watchdog.budgetDeadline(budget.runTimeDeadline(now).orElse(null),
                budget.limits().limit(BudgetKind.RUN_TIME).orElse(null));
        List<ContentBlock.ToolUse> open = conversation.pendingCalls();
        if (!open.isEmpty()) {
            if (!calls.settle(open.getFirst())) {
                runtime.step(conversation).ifPresent(this::end);
            }
        } else if (conversation.cancelledSeq() > cancels.runSeq()) {
            // run.cancelled ended this run; a message after it (interrupt mode) starts the next
            if (conversation.needsModel()) {
                begin(new RunStarted());
            } else {
                over = true;
            }
        } else if (!conversation.needsModel()) {
            end(new SessionIdle());
        } else {
            Optional<RunStuck> limit = watchdog.beforeStep(conversation.runSteps());
            if (limit.isPresent()) {
                end(limit.get());
            } else {
                runtime.step(conversation).ifPresent(this::end);
            }
        }
    }

    /**
     * Appends the budget events due after the last response (or tool call, or a resume): the
     * warnings, and when a limit is reached the open calls' answers and {@code budget.exhausted},
     * which ends the run. True when the run ended so.
     */
    private boolean overBudget() {
        List<SessionEvent> due = budget.due(context.clock().instant());
        if (due.isEmpty()) {
            return false;
        }
        boolean exhausted = due.getLast() instanceof BudgetExhausted;
        List<SessionEvent> warnings = exhausted ? due.subList(0, due.size() - 1) : due;
        if (!warnings.isEmpty()) {
            runLog.append(warnings.toArray(SessionEvent[]::new));
        }
        if (exhausted) {
            end(due.getLast());
        }
        return exhausted;
    }

    /** A cancel or the watchdog stopped the step: the run handles it and goes on; anything harder unwinds it. */
    private void handle(Stopped stopped) {
        if (stopped.reason() == Stop.STUCK) {
            watchdog.windDown(); // before the stop is cleared: the watchdog must not stop the run twice
        }
        if (stopped.reason() == Stop.CANCELLED && signals.clear(Stop.CANCELLED)) {
            log.info("run of {} cancelled", id);
        } else if (stopped.reason() == Stop.STUCK && signals.clear(Stop.STUCK)) {
            SessionEvent why = signals.takeStuck();
            String reason = why instanceof RunStuck stuck ? stuck.reason()
                    : "the session's " + ((BudgetExhausted) why).kind() + " budget is exhausted";
            log.info("run of {} stuck: {}", id, reason);
            runLog.catchUp();
            calls.answerStopped("not finished: the run was stopped (" + reason + ")");
            end(why);
        } else {
            throw stopped;
        }
    }

    /** Appends the run's {@code run.started} / {@code runtime.restarted}: cancels after it stop this run. */
    private void begin(SessionEvent start) {
        cancels.runBegan(runLog.append(start).getFirst().seq());
        watchdog.runBegan(conversation.runStartedAt());
    }

    /**
     * Ends the run with {@code end} ({@code session.idle}, {@code session.failed}, {@code run.stuck},
     * {@code budget.exhausted} after answering the open calls, or a wait: {@code permission.requested},
     * {@code client_tool.called}),
     * unless a user message slipped in between the last read and {@code end}: that message would
     * be left unanswered by a session that is no longer running, so the run goes on with a new
     * {@code run.started} instead.
     */
    private void end(SessionEvent end) {
        if (end instanceof PermissionRequested || end instanceof ClientToolCalled) {
            // the session waits for an answer; a message that slipped in is read after it, with the result
            runLog.append(end);
            over = true;
            return;
        }
        if (end instanceof BudgetExhausted exhausted) {
            log.info("run of {} stopped: budget {} reached ({} of {})", id, exhausted.kind(), exhausted.used(),
                    exhausted.limit());
            calls.answerStopped("not run: the session's " + exhausted.kind() + " budget is exhausted");
        }
        long readUpTo = conversation.lastSeq();
        long endSeq = runLog.append(end).getFirst().seq();
        runLog.catchUp();
        long message = conversation.lastUserMessageSeq();
        if (message > readUpTo && message < endSeq && !conversation.closed()) {
            runLog.append(new RunStarted());
            watchdog.runBegan(conversation.runStartedAt());
            return;
        }
        over = true;
    }
}
