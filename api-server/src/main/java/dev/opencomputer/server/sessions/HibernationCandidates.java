package dev.opencomputer.server.sessions;

import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which idle sessions may hibernate: a sandbox shared by several sessions is stopped only when none
 * of them still needs it, so an idle session qualifies only when every other session on its sandbox
 * is hibernated, closed, failed, or idle since before the cutoff too.
 */
final class HibernationCandidates {

    private HibernationCandidates() {
    }

    /** A session that may hibernate, with the sandbox to stop for it. */
    record Candidate(SessionId id, TenantId tenant, SandboxId sandbox) {
    }

    /**
     * Up to {@code room} of {@code idle} (sessions idle since before {@code cutoff}), in their order,
     * that may hibernate. {@code sandboxOf} is each session's sandbox (one without a setup is never a
     * candidate), {@code sessionsOn} every session on each of those sandboxes and {@code rows} the rows
     * of those sessions (one without a row needs nothing).
     */
    static List<Candidate> pick(List<Session> idle, Map<SessionId, SandboxId> sandboxOf,
            Map<SandboxId, List<SessionId>> sessionsOn, Map<SessionId, Session> rows, Instant cutoff, int room) {
        List<Candidate> candidates = new ArrayList<>();
        for (Session session : idle) {
            SandboxId sandbox = sandboxOf.get(session.id());
            if (candidates.size() == room) {
                break;
            }
            if (sandbox == null) {
                continue;
            }
            boolean needed = sessionsOn.getOrDefault(sandbox, List.of()).stream()
                    .filter(other -> !other.equals(session.id()))
                    .map(rows::get)
                    .anyMatch(other -> other != null && needsItsSandbox(other, cutoff));
            if (!needed) {
                candidates.add(new Candidate(session.id(), session.tenantId(), sandbox));
            }
        }
        return candidates;
    }

    /**
     * Whether {@code session} keeps its sandbox running: it runs, will run, or has not been idle (or
     * exhausted, waiting for a budget) long enough.
     */
    static boolean needsItsSandbox(Session session, Instant cutoff) {
        return session.status().isRunnable()
                || (session.status().isIdleLike() && !session.updatedAt().isBefore(cutoff));
    }
}
