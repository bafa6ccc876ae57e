package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.SessionId;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's live subscription to its session's log (woken on any replica by PostgreSQL {@code NOTIFY}),
 * for a watch that reacts to what is appended: {@link #seen} gets every item; closing cancels the
 * subscription, also when it closes before the subscription started.
 */
abstract class LogWatch implements Flow.Subscriber<StreamItem>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogWatch.class);

    private final SessionId session;
    private final String name;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;

    LogWatch(SessionId session, String name) {
        this.session = session;
        this.name = name;
    }

    /** Subscribes this watch to the log of its session after {@code afterSeq}. */
    final void watch(EventLog eventLog, long afterSeq) {
        eventLog.subscribe(session, afterSeq).subscribe(this);
    }

    /** An item appended to the log (or one of those after the start seq); not called once closed. */
    abstract void seen(StreamItem item);

    @Override
    public final void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (closed) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public final void onNext(StreamItem item) {
        if (!closed) {
            seen(item);
        }
    }

    @Override
    public final void onError(Throwable throwable) {
        log.debug("{} of {} ended: {}", name, session, throwable.toString());
    }

    @Override
    public final void onComplete() {
    }

    @Override
    public final void close() {
        closed = true;
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
