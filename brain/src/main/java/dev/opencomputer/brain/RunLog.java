package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.session.EphemeralEvent;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import java.util.List;

/**
 * A run's view of its session's log: every append carries the lease's fencing token (once another
 * worker claimed the session, the append fails with
 * {@link dev.opencomputer.eventlog.StaleFencingTokenException} and nothing is stored), none follows
 * a stop, and whatever is appended — by the run or by anyone else — is folded into the run's
 * {@link Conversation} (and the run's {@link Budget}) in log order.
 */
final class RunLog {

    private static final int READ_PAGE = 500;

    private final EventLog eventLog;
    private final SessionId session;
    private final long token;
    private final Conversation conversation;
    private final RunSignals signals;
    private final Watchdog watchdog;
    private Budget budget;

    RunLog(EventLog eventLog, SessionId session, long token, Conversation conversation, RunSignals signals,
            Watchdog watchdog) {
        this.eventLog = eventLog;
        this.session = session;
        this.token = token;
        this.conversation = conversation;
        this.signals = signals;
        this.watchdog = watchdog;
    }

    SessionId session() {
        return session;
    }

    Conversation conversation() {
        return conversation;
    }

    /** The run's limits: a runtime that waits for a person with its lease held suspends them meanwhile. */
    Watchdog watchdog() {
        return watchdog;
    }

    /** From now on, what is folded into the conversation is folded into {@code budget} as well. */
    void folding(Budget budget) {
        this.budget = budget;
    }

    private void fold(LoggedEvent event) {
        conversation.apply(event);
        if (budget != null) {
            budget.apply(event);
        }
    }

    /** Folds whatever was appended since the last read: the run's own events, and anyone else's. */
    void catchUp() {
        while (true) {
            List<LoggedEvent> page = eventLog.readAfter(session, conversation.lastSeq(), READ_PAGE);
            page.forEach(this::fold);
            if (page.size() < READ_PAGE) {
                return;
            }
        }
    }

    /** Appends under the lease's fencing token, never after a stop, and folds what was appended. */
    List<LoggedEvent> append(SessionEvent... events) {
        signals.check();
        List<LoggedEvent> logged = eventLog.append(session, List.of(events), token);
        watchdog.progressed();
        long first = logged.getFirst().seq();
        if (first == conversation.lastSeq() + 1) {
            logged.forEach(this::fold);
        } else if (first <= conversation.lastSeq()) {
            // the log is shorter than what this run folded: a database that lost acknowledged commits
            // (a crash without synchronous commit). What the run holds in memory is no longer the log.
            throw new LogRewound(session, conversation.lastSeq(), first);
        } else {
            catchUp();
        }
        return logged;
    }

    /**
     * The log ended before events this run had appended and folded: the run stops and releases its
     * lease, and the next run resumes from the log as it is (chaos finding 3, docs/chaos.md).
     */
    static final class LogRewound extends IllegalStateException {
        LogRewound(SessionId session, long folded, long appendedAt) {
            super("the log of " + session + " was rewound: this run had folded up to seq " + folded
                    + ", its append was stored at seq " + appendedAt);
        }
    }

    /**
     * Appends from another thread than the run's (the egress proxy's batches of
     * {@code network.request}): under the lease's fencing token, but not folded here — the run's
     * next read folds them in log order.
     */
    void appendAside(List<? extends SessionEvent> events) {
        eventLog.append(session, events, token);
    }

    /** Streams an ephemeral event (a delta, command output) to the session's subscribers; never stored. */
    void publish(EphemeralEvent event) {
        eventLog.publish(session, event);
    }
}
