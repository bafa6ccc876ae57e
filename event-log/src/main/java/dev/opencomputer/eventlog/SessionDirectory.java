package dev.opencomputer.eventlog;

import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sessions the log holds, one row each (owner, pinned agent version, status — the fold of the
 * log — last seq, metadata, times): how other modules find, list and destroy sessions without
 * reading the log's tables. Each call is one statement, so it answers from one snapshot; sessions
 * change meanwhile (an append moves {@code status}, {@code lastSeq} and {@code updatedAt}).
 * Thread-safe.
 */
public interface SessionDirectory {

    /** The session, whichever tenant it belongs to. */
    Optional<Session> find(SessionId id);

    /** The session if it is {@code tenant}'s: another tenant's session is missing, like an unknown one. */
    default Optional<Session> find(TenantId tenant, SessionId id) {
        return find(id).filter(session -> session.tenantId().equals(tenant));
    }

    /** Those of {@code ids} that exist, whichever tenant they belong to, by id (in no particular order). */
    Map<SessionId, Session> findAll(Collection<SessionId> ids);

    /**
     * Up to {@code limit} of {@code tenant}'s sessions that match {@code query}, newest first (by id,
     * descending, as the database orders text): with {@code below} null the first page, else the
     * sessions whose id sorts below {@code below}, so that the last id of a page is the cursor of the next.
     */
    List<Session> list(TenantId tenant, SessionQuery query, SessionId below, int limit);

    /**
     * Up to {@code limit} sessions of any tenant that are idle-like ({@code idle}, {@code waiting} or
     * {@code exhausted}, {@link dev.opencomputer.session.SessionStatus#isIdleLike()}) and changed last before
     * {@code cutoff}, the longest unchanged first (ties by id); with {@code after} null the first
     * page, else those that come after {@code after} in that order.
     */
    List<Session> idleBefore(Instant cutoff, Session after, int limit);

    /**
     * Up to {@code limit} sessions of any tenant that are {@code waiting} for an answer from outside,
     * the longest unchanged first (ties by id); with {@code after} null the first page, else those
     * that come after {@code after} in that order.
     */
    List<Session> waiting(Session after, int limit);

    /**
     * Deletes {@code tenant}'s session {@code id} with its whole log; {@code false} when it has no such
     * session (another tenant's session is left alone).
     */
    boolean delete(TenantId tenant, SessionId id);
}
