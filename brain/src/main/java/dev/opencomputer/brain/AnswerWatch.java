package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.PermissionAnswered;
import dev.opencomputer.session.PermissionExpired;
import dev.opencomputer.session.SessionId;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a session's log while a run waits for a person with its lease held (an ACP agent's
 * permission request): each {@code permission.answered} / {@code permission.expired} appended on any
 * replica calls {@code answered}, which tells the run to read the log again.
 */
final class AnswerWatch implements Flow.Subscriber<StreamItem>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnswerWatch.class);

    private final SessionId session;
    private final Runnable answered;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;

    private AnswerWatch(SessionId session, Runnable answered) {
        this.session = session;
        this.answered = answered;
    }

    /** Watches the log of {@code session} after {@code afterSeq} (what is appended meanwhile is read first). */
    static AnswerWatch start(EventLog eventLog, SessionId session, long afterSeq, Runnable answered) {
        AnswerWatch watch = new AnswerWatch(session, answered);
        eventLog.subscribe(session, afterSeq).subscribe(watch);
        return watch;
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
        if (!closed && (PermissionAnswered.TYPE.equals(item.type()) || PermissionExpired.TYPE.equals(item.type()))) {
            answered.run();
        }
    }

    @Override
    public void onError(Throwable throwable) {
        log.debug("answer watch of {} ended: {}", session, throwable.toString());
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
