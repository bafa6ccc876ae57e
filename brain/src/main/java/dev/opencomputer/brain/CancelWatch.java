package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.SessionId;

/**
 * Watches a session's log while a run works on it, so that a {@code run.cancelled} appended on any
 * replica (the log's subscription is woken by PostgreSQL {@code NOTIFY}) after the run began stops
 * the run at once. Also the run's memory of where it began: {@link #runSeq()}.
 */
final class CancelWatch extends LogWatch {

    private final RunSignals signals;
    /** The seq of the run's {@code run.started} / {@code runtime.restarted}: a later cancel cancels it. */
    private volatile long runSeq = Long.MAX_VALUE;

    private CancelWatch(SessionId session, RunSignals signals) {
        super(session, "cancel watch");
        this.signals = signals;
    }

    /** Subscribes to the log of {@code session} after {@code afterSeq}. */
    static CancelWatch start(EventLog eventLog, SessionId session, long afterSeq, RunSignals signals) {
        CancelWatch watch = new CancelWatch(session, signals);
        watch.watch(eventLog, afterSeq);
        return watch;
    }

    /** The run began (again) at {@code seq}: cancels after it stop the run. */
    void runBegan(long seq) {
        runSeq = seq;
    }

    long runSeq() {
        return runSeq;
    }

    @Override
    void seen(StreamItem item) {
        if (item.seq() > runSeq && RunCancelled.TYPE.equals(item.type())) {
            signals.stop(RunSignals.Stop.CANCELLED);
        }
    }
}
