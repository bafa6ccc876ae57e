package dev.opencomputer.brain;

import dev.opencomputer.session.SessionEvent;
import java.time.Duration;

/**
 * What a run has been told from outside — stop because the lease was lost, the worker closes, a
 * cancel arrived or the watchdog found it stuck — and the one way it waits: interruptibly, so a stop
 * reaches a run that is waiting (for the model, a command, a backoff) at once, and otherwise before
 * its next append. Harder stops replace softer ones (a lost lease or a shutdown beats a cancel or a
 * stuck run, which the run handles itself). Thread-safe: the run's thread waits and checks, the
 * worker's threads signal.
 */
final class RunSignals {

    /** Why a run was told to stop before its end. */
    enum Stop {
        /** Another worker claimed the session, or the lease could not be renewed in time: append nothing more. */
        LEASE_LOST,
        /** The worker is closing: stop at once and release the lease, so another worker resumes. */
        SHUTDOWN,
        /** A {@code run.cancelled} was appended: abandon what is under way, answer the open calls, go on from the log. */
        CANCELLED,
        /** The watchdog found the run over its time or without progress: answer the open calls, append {@code run.stuck}. */
        STUCK;

        /** Whether the run handles this stop itself and goes on, rather than unwinding. */
        boolean handledByRun() {
            return this == CANCELLED || this == STUCK;
        }
    }

    /** Thrown inside the run to unwind it when it was told to stop. */
    static final class Stopped extends RuntimeException {
        private final Stop reason;

        Stopped(Stop reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }

        Stop reason() {
            return reason;
        }
    }

    /** A blocking wait that a thread interrupt ends. */
    @FunctionalInterface
    interface Wait<T, E extends Exception> {
        T get() throws InterruptedException, E;
    }

    private Thread thread;
    private boolean waiting;
    private boolean done;
    private Stop stop;
    private SessionEvent stuck;

    /** The calling thread is the run's from now on. */
    synchronized void bind() {
        thread = Thread.currentThread();
    }

    /** The run is over: later stops are ignored, and an interrupt meant for it is cleared. */
    synchronized void unbind() {
        done = true;
        thread = null;
        Thread.interrupted();
    }

    /** Tells the run to stop: at once if it is waiting, else before it appends anything more. */
    synchronized void stop(Stop reason) {
        if (done) {
            return;
        }
        if (stop == null || stop.handledByRun() && !reason.handledByRun()) {
            stop = reason;
        }
        if (waiting && thread != null) {
            thread.interrupt();
        }
    }

    /**
     * The watchdog's stop: the first reason found ({@code run.stuck}, or {@code budget.exhausted} of a
     * run-time budget) is the event the run ends with.
     */
    void stuck(SessionEvent why) {
        synchronized (this) {
            if (stuck == null) {
                stuck = why;
            }
        }
        stop(Stop.STUCK);
    }

    /** The reason of the stuck stop being handled, forgotten for the next one. */
    synchronized SessionEvent takeStuck() {
        SessionEvent why = stuck;
        stuck = null;
        return why;
    }

    /** Forgets a stop of {@code reason} (handled by the run itself); false when a harder stop replaced it. */
    synchronized boolean clear(Stop reason) {
        if (stop != reason) {
            return false;
        }
        stop = null;
        Thread.interrupted();
        return true;
    }

    /** The stop the run was told, null when none. */
    synchronized Stop reason() {
        return stop;
    }

    /** Unwinds the run when it was told to stop. */
    synchronized void check() {
        if (stop != null) {
            throw new Stopped(stop);
        }
    }

    /**
     * Waits for {@code wait}; when a stop interrupts it, {@code abandon} ends what was waited for (a
     * model call, a command) and the run unwinds. A stop that raced with the wait's end is honoured.
     */
    <T, E extends Exception> T await(Wait<T, E> wait, Runnable abandon) throws E {
        try {
            beginWait();
        } catch (Stopped stopped) {
            abandon.run(); // told to stop before the wait began: what was started must not go on
            throw stopped;
        }
        try {
            return wait.get();
        } catch (InterruptedException e) {
            abandon.run();
            throw new Stopped(reasonOr(Stop.SHUTDOWN));
        } finally {
            endWait();
        }
    }

    /** Sleeps for {@code duration} (a backoff), unless told to stop. */
    void pause(Duration duration) {
        await(() -> {
            Thread.sleep(duration);
            return null;
        }, () -> {
        });
    }

    private synchronized Stop reasonOr(Stop fallback) {
        return stop != null ? stop : fallback;
    }

    private synchronized void beginWait() {
        check();
        waiting = true;
    }

    private synchronized void endWait() {
        waiting = false;
        Thread.interrupted();
        check();
    }
}
