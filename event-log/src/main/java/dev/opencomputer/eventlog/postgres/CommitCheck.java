package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.session.SessionId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a commit whose answer was lost: the connection failed after {@code COMMIT} was sent,
 * so the transaction may or may not have committed. One row it wrote — a session's seq with the
 * transaction's own timestamp, which no other transaction can have written, since the seq was
 * taken under the session's row lock — says which, looked up on a fresh connection. Without this
 * a retry would store the same events twice under new seqs.
 */
final class CommitCheck {

    private static final Logger log = LoggerFactory.getLogger(CommitCheck.class);
    private static final String LANDED =
            "SELECT 1 FROM session_events WHERE session_id = ? AND seq = ? AND created_at = ?";

    private final DataSource dataSource;
    private final Duration patience;

    CommitCheck(DataSource dataSource, Duration patience) {
        this.dataSource = dataSource;
        this.patience = patience;
    }

    /** Whether {@code failure}, thrown by {@code COMMIT}, leaves its outcome unknown (the connection broke). */
    static boolean outcomeUnknown(SQLException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the transaction that wrote {@code seq} of {@code session} at {@code createdAt}
     * committed. Asks until the database answers, for at most the patience; false when it never does.
     */
    boolean landed(SessionId session, long seq, OffsetDateTime createdAt) {
        long deadline = System.nanoTime() + patience.toNanos();
        long backoff = Duration.ofMillis(50).toNanos();
        while (true) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LANDED)) {
                s.setString(1, session.value());
                s.setLong(2, seq);
                s.setObject(3, createdAt);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            } catch (SQLException e) {
                if (System.nanoTime() + backoff > deadline) {
                    log.warn("cannot tell whether an append to {} committed (its acknowledgement was lost): {}",
                            session, e.toString());
                    return false;
                }
                LockSupport.parkNanos(backoff);
                backoff = Math.min(backoff * 2, Duration.ofSeconds(1).toNanos());
            }
        }
    }
}
