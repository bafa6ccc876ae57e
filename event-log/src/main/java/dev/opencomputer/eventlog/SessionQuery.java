package dev.opencomputer.eventlog;

import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which of a tenant's sessions {@link SessionDirectory#list} answers: those in one status, of one
 * agent, created in {@code [createdFrom, createdBefore)}; an empty part does not narrow.
 */
public record SessionQuery(Optional<SessionStatus> status, Optional<AgentId> agent, Optional<Instant> createdFrom,
        Optional<Instant> createdBefore) {

    public SessionQuery {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(createdFrom, "createdFrom");
        Objects.requireNonNull(createdBefore, "createdBefore");
    }

    /** Every session. */
    public static SessionQuery all() {
        return new SessionQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
