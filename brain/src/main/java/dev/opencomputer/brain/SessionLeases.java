package dev.opencomputer.brain;

import dev.opencomputer.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Who runs which session: each runnable session ({@code pending}, or {@code running} under a
 * lease that expired or was released) is claimed by one worker at a time. Claiming raises the
 * session's fencing token, so the previous holder can no longer append (see
 * {@link dev.opencomputer.eventlog.EventLog#append(SessionId, List, long)}).
 *
 * <p>Expiry is judged by the database's clock, never by the workers' own clocks, so clock skew
 * between replicas cannot shorten a lease. Thread-safe.
 */
public interface SessionLeases {

    /**
     * Claims up to {@code limit} runnable sessions for {@code owner} for {@code duration}, skipping
     * sessions another worker is claiming at the same moment. Sessions that are new (no lease yet)
     * come first, then those whose lease expired longest ago.
     */
    List<Lease> claim(String owner, int limit, Duration duration);

    /**
     * Claims for {@code owner}, for {@code duration}, those of {@code sessions} that are still
     * idle-like ({@code idle} or {@code waiting}), have had no event since {@code idleBefore} and hold no live lease, skipping sessions
     * another claimer holds at the same moment. While the lease lasts no worker claims the session (a
     * message arriving meanwhile makes it {@code pending}, and it is claimed once the lease is
     * released): this is how the idle sweeper hibernates a session without racing a run.
     */
    List<Lease> claimIdle(String owner, Collection<SessionId> sessions, Instant idleBefore, Duration duration);

    /**
     * Extends each lease of {@code owner} that is still its own (same token, not released) to
     * {@code duration} from now, and returns the sessions whose lease was extended; a lease
     * missing from the answer was lost.
     */
    Set<SessionId> renew(String owner, Collection<Lease> leases, Duration duration);

    /**
     * Gives the session up while the lease is still {@code owner}'s, so that any worker may claim
     * it at once if it is runnable; the fencing token stays. {@code false} when the lease was
     * already lost.
     */
    boolean release(String owner, Lease lease);
}
