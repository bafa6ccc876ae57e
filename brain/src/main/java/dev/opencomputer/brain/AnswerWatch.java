package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.PermissionAnswered;
import dev.opencomputer.session.PermissionExpired;
import dev.opencomputer.session.SessionId;

/**
 * Watches a session's log while a run waits for a person with its lease held (an ACP agent's
 * permission request): each {@code permission.answered} / {@code permission.expired} appended on any
 * replica calls {@code answered}, which tells the run to read the log again.
 */
final class AnswerWatch extends LogWatch {

    private final Runnable answered;

    private AnswerWatch(SessionId session, Runnable answered) {
        super(session, "answer watch");
        this.answered = answered;
    }

    /** Watches the log of {@code session} after {@code afterSeq} (what is appended meanwhile is read first). */
    static AnswerWatch start(EventLog eventLog, SessionId session, long afterSeq, Runnable answered) {
        AnswerWatch watch = new AnswerWatch(session, answered);
        watch.watch(eventLog, afterSeq);
        return watch;
    }

    @Override
    void seen(StreamItem item) {
        if (PermissionAnswered.TYPE.equals(item.type()) || PermissionExpired.TYPE.equals(item.type())) {
            answered.run();
        }
    }
}
