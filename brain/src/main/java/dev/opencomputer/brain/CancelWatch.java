package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.SessionId;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a session's log while a run works on it, so that a {@code run.cancelled} appended on any
 * replica (the log's subscription is woken by PostgreSQL {@code NOTIFY}) after the run began stops
 * the run at once. Also the run's memory of where it began: {@link #runSeq()}.
 */
final class CancelWatch implements Flow.Subscriber<StreamItem>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CancelWatch.class);

    private final SessionId session;
    private final RunSignals signals;
    /** The seq of the run's {@code run.started} / {@code runtime.restarted}: a later cancel cancels it. */
    private volatile long runSeq = Long.MAX_VALUE;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;

    private CancelWatch(SessionId session, RunSignals signals) {
        this.session = session;
        this.signals = signals;
    }

    /** Subscribes to the log of {@code session} after {@code afterSeq}. */
    static CancelWatch start(EventLog eventLog, SessionId session, long afterSeq, RunSignals signals) {
        CancelWatch watch = new CancelWatch(session, signals);
        eventLog.subscribe(session, afterSeq).subscribe(watch);
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
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (closed) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(StreamItem item) {
        if (item.seq() > runSeq && RunCancelled.TYPE.equals(item.type())) {
            signals.stop(RunSignals.Stop.CANCELLED);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        log.debug("cancel watch of {} ended: {}", session, throwable.toString());
    }

    @Override
    public void onComplete() {
    }

    @Override
    public void close() {
        closed = true;
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
