package dev.opencomputer.eventlog;

import dev.opencomputer.session.SessionId;
import java.util.List;
import java.util.Map;

/**
 * Every stored event of every session, read at least once by a named consumer through a durable
 * cursor per session (kept by the log, so it survives any crash). A consumer reads what lies
 * after its cursors with {@link #pending}, stores whatever it derives, and only then moves the
 * cursors with {@link #advance}: a crash in between means the same events are read again, never
 * that one is skipped. Within a session, events come in seq order. Thread-safe; several processes
 * may consume under the same name (they may then read the same events twice).
 */
public interface LogTail {

    /**
     * Sessions with events after {@code consumer}'s cursor: at most {@code maxSessions} sessions,
     * each with at most {@code maxEvents} of those events, oldest first.
     */
    List<TailedSession> pending(String consumer, int maxSessions, int maxEvents);

    /** Moves {@code consumer}'s cursor of each session forward to the given seq (never backward). */
    void advance(String consumer, Map<SessionId, Long> seqs);

    /**
     * Calls {@code wake} (quickly, on a log thread) whenever events may have been committed,
     * here or on another replica; a wake-up may be lost, so consumers still poll now and then.
     *
     * @return closing it removes the callback
     */
    AutoCloseable onCommit(Runnable wake);
}
