package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.sessions.HibernationCandidates.Candidate;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared-sandbox rule of hibernation: an idle session goes only when no other session on its sandbox needs it. */
class HibernationCandidatesTest {

    private static final Instant CUTOFF = Instant.parse("2026-01-01T12:00:00Z");
    private static final Instant LONG_AGO = CUTOFF.minusSeconds(3600);
    private static final TenantId TENANT = TenantId.next(LONG_AGO);

    private final Map<SessionId, SandboxId> sandboxOf = new HashMap<>();
    private final Map<SandboxId, List<SessionId>> sessionsOn = new HashMap<>();
    private final Map<SessionId, Session> rows = new HashMap<>();

    @Test
    void aSessionAloneOnItsSandboxHibernates() {
        Session idle = on(sandbox(), SessionStatus.IDLE, LONG_AGO);

        assertThat(pick(List.of(idle), 32)).containsExactly(candidate(idle));
    }

    @Test
    void aSharedSandboxStaysWhileAnotherSessionOnItRunsWillRunOrWasIdleTooShortly() {
        for (SessionStatus status : List.of(SessionStatus.PENDING, SessionStatus.RUNNING)) {
            SandboxId shared = sandbox();
            Session idle = on(shared, SessionStatus.IDLE, LONG_AGO);
            on(shared, status, LONG_AGO);
            assertThat(pick(List.of(idle), 32)).as("next to a %s session", status).isEmpty();
        }
        SandboxId shared = sandbox();
        Session idle = on(shared, SessionStatus.IDLE, LONG_AGO);
        on(shared, SessionStatus.IDLE, CUTOFF);

        assertThat(pick(List.of(idle), 32)).as("next to a session idle since the cutoff").isEmpty();
    }

    @Test
    void anExhaustedSessionHibernatesLikeAnIdleOneAndKeepsASharedSandboxWhileRecent() {
        Session exhausted = on(sandbox(), SessionStatus.EXHAUSTED, LONG_AGO);
        assertThat(pick(List.of(exhausted), 32)).containsExactly(candidate(exhausted));

        SandboxId shared = sandbox();
        Session idle = on(shared, SessionStatus.IDLE, LONG_AGO);
        on(shared, SessionStatus.EXHAUSTED, CUTOFF);
        assertThat(pick(List.of(idle), 32)).as("next to a session exhausted since the cutoff").isEmpty();
    }

    @Test
    void aSharedSandboxGoesWhenEveryOtherSessionOnItIsHibernatedClosedFailedIdleLongEnoughOrGone() {
        SandboxId shared = sandbox();
        Session first = on(shared, SessionStatus.IDLE, LONG_AGO);
        Session second = on(shared, SessionStatus.IDLE, CUTOFF.minusNanos(1000));
        on(shared, SessionStatus.HIBERNATED, CUTOFF);
        on(shared, SessionStatus.CLOSED, CUTOFF);
        on(shared, SessionStatus.FAILED, CUTOFF);
        SessionId deleted = SessionId.next(LONG_AGO);
        sessionsOn.get(shared).add(deleted); // a setup whose session row is gone

        assertThat(pick(List.of(first, second), 32)).containsExactly(candidate(first), candidate(second));
    }

    @Test
    void aSessionWithoutASetupNeverHibernatesAndNoMoreThanThereIsRoomForAreTakenInOrder() {
        Session noSetup = session(SessionStatus.IDLE, LONG_AGO);
        Session a = on(sandbox(), SessionStatus.IDLE, LONG_AGO);
        Session b = on(sandbox(), SessionStatus.IDLE, LONG_AGO);
        Session c = on(sandbox(), SessionStatus.IDLE, LONG_AGO);

        assertThat(pick(List.of(noSetup, a, b, c), 2)).containsExactly(candidate(a), candidate(b));
    }

    private List<Candidate> pick(List<Session> idle, int room) {
        return HibernationCandidates.pick(idle, sandboxOf, sessionsOn, rows, CUTOFF, room);
    }

    private Candidate candidate(Session session) {
        return new Candidate(session.id(), session.tenantId(), sandboxOf.get(session.id()));
    }

    private static SandboxId sandbox() {
        return SandboxId.next(LONG_AGO);
    }

    private Session on(SandboxId sandbox, SessionStatus status, Instant updatedAt) {
        Session session = session(status, updatedAt);
        sandboxOf.put(session.id(), sandbox);
        sessionsOn.computeIfAbsent(sandbox, k -> new ArrayList<>()).add(session.id());
        return session;
    }

    private Session session(SessionStatus status, Instant updatedAt) {
        Session session = new Session(SessionId.next(LONG_AGO), TENANT, AgentId.next(LONG_AGO), 1, status, 2,
                LONG_AGO, updatedAt, Map.of());
        rows.put(session.id(), session);
        return session;
    }
}
