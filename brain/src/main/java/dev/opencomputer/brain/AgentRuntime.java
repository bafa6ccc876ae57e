package dev.opencomputer.brain;

import dev.opencomputer.session.SessionEvent;
import java.util.Optional;

/**
 * How the agent of a session works: the part of a run that differs between runtimes. The run
 * ({@link SessionRun}) owns everything else — the lease and its fencing, folding the log, the
 * cancel watch, the watchdog, waking a hibernated sandbox, resuming after a crash, answering open
 * calls that will not run, and ending the run — and asks its runtime for one step whenever the
 * conversation needs the agent: a tool call of the latest response is still to run, or the model
 * is to answer. {@code native} ({@link NativeRuntime}) calls the model from the brain and runs the
 * tools in the sandbox; an agent process inside the sandbox (the Agent Client Protocol) would be a
 * second implementation of this interface.
 *
 * <p>A step must append what it did through {@link RunScope#log()} before it returns — a call's
 * start before the call, its end after — so a run that dies anywhere resumes from the log without
 * repeating what finished; it must wait only through {@link RunScope#signals()}, so a stop reaches
 * it at once. One instance serves one run, on the run's thread.
 */
interface AgentRuntime {

    /**
     * Makes one step of progress and appends it. Answers the event that ends the run when the step
     * cannot be made (the run appends it and stops), else empty: the run re-reads the log and
     * decides again.
     */
    Optional<SessionEvent> step(Conversation conversation);

    /** The run is over, however it ended: what the runtime started (an agent process) is ended. */
    default void close() {
    }

    /** A runtime kind: makes the runtime of one run. */
    @FunctionalInterface
    interface Kind {
        AgentRuntime open(RunScope run);
    }
}
