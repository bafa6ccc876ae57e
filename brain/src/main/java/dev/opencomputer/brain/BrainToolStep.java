package dev.opencomputer.brain;

import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native runtime's calls of the tools the brain runs itself ({@link BrainTools}): the session's
 * workspace is prepared when the run opens, a call is logged ({@code tool.call}) before it runs and
 * its events after, and the wait goes through the run's signals, so a cancel stops it at once. A call
 * a crash interrupted runs again (the tools are idempotent) instead of being answered as unknown.
 */
final class BrainToolStep {

    private static final Logger log = LoggerFactory.getLogger(BrainToolStep.class);

    private final RunContext context;
    private final SessionSetup setup;
    private final RunLog runLog;
    private final RunSignals signals;

    BrainToolStep(RunScope run) {
        this.context = run.context();
        this.setup = run.setup();
        this.runLog = run.log();
        this.signals = run.signals();
    }

    /** Which open calls are brain tools of the session, to be run again after a crash. */
    static Predicate<ContentBlock.ToolUse> rerunnable(RunContext context, SessionSetup setup, RunLog runLog) {
        return call -> context.brainTools().specs(session(setup, runLog)).stream()
                .anyMatch(spec -> spec.name().equals(call.name()));
    }

    /** Prepares the workspace; the {@code session.failed} that ends the run when it cannot be. */
    Optional<SessionEvent> prepare() {
        if (context.brainTools().specs(session()).isEmpty()) {
            return Optional.empty(); // most sessions: nothing to set up, no thread to start
        }
        try {
            signals.await(() -> join(CompletableFuture.runAsync(() -> context.brainTools().prepare(session()),
                    Thread::startVirtualThread)), () -> { });
            return Optional.empty();
        } catch (RuntimeException e) {
            if (e instanceof RunSignals.Stopped stopped) {
                throw stopped;
            }
            log.warn("workspace of {} could not be prepared: {}", runLog.session(), e.toString());
            return Optional.of(new SessionFailed("workspace_setup_failed", String.valueOf(e.getMessage())));
        }
    }

    boolean handles(ContentBlock.ToolUse call) {
        return rerunnable(context, setup, runLog).test(call);
    }

    void run(ContentBlock.ToolUse call) {
        if (runLog.conversation().startOf(call.id()).isEmpty()) {
            runLog.append(new ToolCalled(call.id(), call.name(), call.input()));
        }
        CompletableFuture<List<SessionEvent>> running = CompletableFuture.supplyAsync(
                () -> context.brainTools().call(session(), call), Thread::startVirtualThread);
        List<SessionEvent> events;
        try {
            events = signals.await(() -> join(running), () -> running.cancel(true));
        } catch (RuntimeException e) {
            if (e instanceof RunSignals.Stopped stopped) {
                throw stopped;
            }
            log.warn("brain tool {} of {} failed: {}", call.name(), runLog.session(), e.toString());
            events = List.of(new ToolResult(call.id(), call.name(), call.name() + " failed: " + e.getMessage(), true));
        }
        runLog.append(events.toArray(SessionEvent[]::new));
    }

    private BrainTools.Session session() {
        return session(setup, runLog);
    }

    private static BrainTools.Session session(SessionSetup setup, RunLog runLog) {
        return new BrainTools.Session(runLog.session(), setup, runLog.conversation().metadata());
    }

    private static <T> T join(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
