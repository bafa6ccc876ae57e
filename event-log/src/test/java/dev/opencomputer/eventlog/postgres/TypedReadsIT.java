package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.SessionConfigChanged;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.TokenUsage;
import dev.opencomputer.session.UserMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The typed reads that folds over the log (live configuration, usage) use instead of SQL of their own. */
class TypedReadsIT {

    private static MigratedDatabase db;
    private static PostgresEventLog log;

    @BeforeAll
    static void createDatabase() {
        db = MigratedDatabase.create();
        log = db.newLog();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        db.close();
    }

    @Test
    void readsOnlyTheAskedForTypesOfOneSessionInSeqOrder() {
        SessionId session = db.newSession(log);
        log.append(session, List.of(new SessionConfigChanged("m2", null, null), new RunStarted(),
                new SessionConfigChanged(null, "plan", "HIGH")));

        List<LoggedEvent> changes = log.readOfTypes(session, Set.of(SessionConfigChanged.class));

        assertThat(changes).extracting(LoggedEvent::seq).containsExactly(3L, 5L);
        assertThat(changes).extracting(LoggedEvent::event).containsExactly(
                new SessionConfigChanged("m2", null, null), new SessionConfigChanged(null, "plan", "HIGH"));
        assertThat(log.readOfTypes(SessionId.next(Instant.now()), Set.of(SessionConfigChanged.class))).isEmpty();
    }

    @Test
    void readsATenantsWindowSessionBySessionWithoutOtherTenantsOrOtherTypes() {
        TenantId tenant = TenantId.next(Instant.now());
        SessionId first = create(tenant);
        SessionId second = create(tenant);
        SessionId foreign = create(TenantId.next(Instant.now()));
        AgentMessage message = new AgentMessage("msg_1", "m", List.of(), "end_turn", new TokenUsage(3, 4, 5, 6));
        for (SessionId s : List.of(second, first, foreign)) {
            log.append(s, List.of(new RunStarted(), message, new SessionIdle()));
        }
        Set<Class<? extends SessionEvent>> types = Set.of(RunStarted.class, AgentMessage.class, SessionIdle.class);
        Instant now = Instant.now();

        List<LoggedEvent> events = log.readTenantWindow(tenant, now.minus(1, ChronoUnit.HOURS),
                now.plus(1, ChronoUnit.HOURS), types);

        List<SessionId> inIdOrder = Stream.of(first, second).sorted(Comparator.comparing(SessionId::value)).toList();
        SessionId a = inIdOrder.get(0);
        SessionId b = inIdOrder.get(1);
        assertThat(events).extracting(LoggedEvent::sessionId).containsExactly(a, a, a, b, b, b);
        assertThat(events).extracting(LoggedEvent::seq).containsExactly(3L, 4L, 5L, 3L, 4L, 5L);
        assertThat(events.get(1).event()).isEqualTo(message);
    }

    @Test
    void aWindowLeavesOutEventsAfterItsEndAndSessionsQuietSinceBeforeItsStart() {
        TenantId tenant = TenantId.next(Instant.now());
        SessionId quiet = create(tenant);
        log.append(quiet, List.of(new RunStarted(), new SessionIdle()));
        db.execute("UPDATE sessions SET updated_at = now() - interval '2 hours' WHERE id = '" + quiet + "'");
        SessionId running = create(tenant);
        log.append(running, new RunStarted());
        db.execute("UPDATE sessions SET updated_at = now() - interval '2 hours' WHERE id = '" + running + "'");
        Instant now = Instant.now();
        Set<Class<? extends SessionEvent>> types = Set.of(RunStarted.class, SessionIdle.class);

        assertThat(log.readTenantWindow(tenant, now.minus(1, ChronoUnit.HOURS), now.plusSeconds(60), types))
                .extracting(LoggedEvent::sessionId).containsExactly(running);
        assertThat(log.readTenantWindow(tenant, now.minus(3, ChronoUnit.HOURS), now.minus(1, ChronoUnit.HOURS),
                types)).isEmpty();
    }

    private static SessionId create(TenantId tenant) {
        SessionId id = SessionId.next(Instant.now());
        AgentId agent = AgentId.next(Instant.now());
        log.create(new NewSession(id, tenant, agent, 1, Map.of()),
                List.of(new SessionStarted(agent, 1, "test-model", null, Map.of()), new UserMessage("hello")));
        return id;
    }
}
