package dev.opencomputer.server.sessions;

import dev.opencomputer.session.SessionStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code GET /v1/sessions} narrows the list to: one status, one agent (its id or name), a
 * creation time range ({@code createdAfter} inclusive, {@code createdBefore} exclusive).
 */
public record SessionFilter(Optional<SessionStatus> status, Optional<String> agent, Optional<Instant> createdAfter,
        Optional<Instant> createdBefore) {

    /** No filter: every session. */
    public static SessionFilter none() {
        return new SessionFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
