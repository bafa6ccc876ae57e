package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.SessionQuery;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionClosed;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UserMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sessions rows as other modules see them: looked up, listed, swept for idleness and deleted, tenant by tenant. */
class PostgresSessionDirectoryIT {

    private static MigratedDatabase db;
    private static PostgresEventLog log;
    private static PostgresSessionDirectory directory;

    @BeforeAll
    static void createDatabase() {
        db = MigratedDatabase.create();
        log = db.newLog();
        directory = new PostgresSessionDirectory(db.pool());
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        db.close();
    }

    @Test
    void findsASessionAsStoredAndOnlyForItsOwnTenant() {
        TenantId tenant = TenantId.next(Instant.now());
        AgentId agent = AgentId.next(Instant.now());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("zz", "last key written first");
        metadata.put("a", "1");
        SessionId id = create(tenant, agent, 3, metadata);
        log.append(id, new RunStarted());

        Session session = directory.find(tenant, id).orElseThrow();

        assertThat(session.id()).isEqualTo(id);
        assertThat(session.tenantId()).isEqualTo(tenant);
        assertThat(session.agentId()).isEqualTo(agent);
        assertThat(session.agentVersion()).isEqualTo(3);
        assertThat(session.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(session.lastSeq()).isEqualTo(3);
        assertThat(session.updatedAt()).isAfterOrEqualTo(session.createdAt());
        // jsonb's own key order (shorter keys first), the same on every read
        assertThat(List.copyOf(session.metadata().keySet())).containsExactly("a", "zz");
        assertThat(directory.find(id)).contains(session);
        assertThat(directory.find(TenantId.next(Instant.now()), id)).isEmpty();
        assertThat(directory.find(SessionId.next(Instant.now()))).isEmpty();
    }

    @Test
    void findsManyAtOnceAcrossTenantsLeavingOutWhatDoesNotExist() {
        SessionId mine = create(TenantId.next(Instant.now()), AgentId.next(Instant.now()), 1, Map.of());
        SessionId theirs = create(TenantId.next(Instant.now()), AgentId.next(Instant.now()), 1, Map.of());
        SessionId missing = SessionId.next(Instant.now());

        Map<SessionId, Session> found = directory.findAll(List.of(mine, theirs, missing, mine));

        assertThat(found).containsOnlyKeys(mine, theirs);
        assertThat(found.get(theirs).status()).isEqualTo(SessionStatus.PENDING);
        assertThat(directory.findAll(List.of())).isEmpty();
    }

    @Test
    void listsATenantsSessionsNewestFirstPageByPageNarrowedByStatusAgentAndCreationTime() {
        TenantId tenant = TenantId.next(Instant.now());
        AgentId one = AgentId.next(Instant.now());
        AgentId other = AgentId.next(Instant.now());
        List<SessionId> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(create(tenant, i % 2 == 0 ? one : other, 1, Map.of()));
        }
        create(TenantId.next(Instant.now()), one, 1, Map.of());
        log.append(created.get(1), List.of(new RunStarted(), new SessionIdle()));
        log.append(created.get(2), List.of(new RunStarted(), new SessionIdle()));
        List<SessionId> all = newestFirst(created);

        List<Session> first = directory.list(tenant, SessionQuery.all(), null, 3);
        List<Session> second = directory.list(tenant, SessionQuery.all(), first.getLast().id(), 3);

        assertThat(first).extracting(Session::id).containsExactlyElementsOf(all.subList(0, 3));
        assertThat(second).extracting(Session::id).containsExactlyElementsOf(all.subList(3, 5));
        assertThat(directory.list(tenant, new SessionQuery(Optional.of(SessionStatus.IDLE), Optional.empty(),
                Optional.empty(), Optional.empty()), null, 10)).extracting(Session::id)
                .containsExactlyElementsOf(newestFirst(List.of(created.get(1), created.get(2))));
        assertThat(directory.list(tenant, new SessionQuery(Optional.of(SessionStatus.IDLE), Optional.of(one),
                Optional.empty(), Optional.empty()), null, 10)).extracting(Session::id)
                .containsExactly(created.get(2));
        assertThat(directory.list(tenant, new SessionQuery(Optional.empty(), Optional.of(other),
                Optional.empty(), Optional.empty()), null, 10)).extracting(Session::id)
                .containsExactlyElementsOf(newestFirst(List.of(created.get(1), created.get(3))));

        db.execute("UPDATE sessions SET created_at = now() - interval '2 hours' WHERE id IN ('"
                + created.get(0) + "', '" + created.get(1) + "')");
        Instant hourAgo = Instant.now().minus(1, ChronoUnit.HOURS);
        assertThat(directory.list(tenant, new SessionQuery(Optional.empty(), Optional.empty(),
                Optional.of(hourAgo), Optional.empty()), null, 10)).extracting(Session::id)
                .containsExactlyElementsOf(newestFirst(created.subList(2, 5)));
        assertThat(directory.list(tenant, new SessionQuery(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(hourAgo)), null, 10)).extracting(Session::id)
                .containsExactlyElementsOf(newestFirst(created.subList(0, 2)));
        assertThat(directory.list(TenantId.next(Instant.now()), SessionQuery.all(), null, 10)).isEmpty();
    }

    @Test
    void sweepsIdleSessionsUnchangedSinceTheCutoffLongestUnchangedFirstPageByPage() {
        TenantId tenant = TenantId.next(Instant.now());
        AgentId agent = AgentId.next(Instant.now());
        List<SessionId> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SessionId id = create(i == 1 ? TenantId.next(Instant.now()) : tenant, agent, 1, Map.of());
            log.append(id, List.of(new RunStarted(), new SessionIdle()));
            idle.add(id);
        }
        SessionId recent = create(tenant, agent, 1, Map.of());
        log.append(recent, List.of(new RunStarted(), new SessionIdle()));
        SessionId running = create(tenant, agent, 1, Map.of());
        log.append(running, new RunStarted());
        SessionId closed = create(tenant, agent, 1, Map.of());
        log.append(closed, List.of(new RunStarted(), new SessionIdle(), new SessionClosed("closed")));
        // idle.get(2) and idle.get(0) went quiet at the same moment: the id orders them
        db.execute("UPDATE sessions SET updated_at = timestamptz '2020-01-01 00:00:00Z' WHERE id IN ('"
                + idle.get(0) + "', '" + idle.get(2) + "')");
        db.execute("UPDATE sessions SET updated_at = timestamptz '2019-06-01 00:00:00Z' WHERE id IN ('"
                + idle.get(1) + "', '" + running + "', '" + closed + "')");
        Instant cutoff = Instant.parse("2021-01-01T00:00:00Z");

        List<Session> first = directory.idleBefore(cutoff, null, 2);
        List<Session> rest = directory.idleBefore(cutoff, first.getLast(), 2);

        List<SessionId> sameMoment = idle.get(0).value().compareTo(idle.get(2).value()) < 0
                ? List.of(idle.get(0), idle.get(2)) : List.of(idle.get(2), idle.get(0));
        assertThat(first).extracting(Session::id).containsExactly(idle.get(1), sameMoment.get(0));
        assertThat(rest).extracting(Session::id).containsExactly(sameMoment.get(1));
        assertThat(directory.idleBefore(cutoff, rest.getLast(), 2)).isEmpty();
        assertThat(directory.idleBefore(Instant.parse("2019-12-31T00:00:00Z"), null, 10))
                .extracting(Session::id).containsExactly(idle.get(1));
    }

    @Test
    void deletesATenantsSessionWithItsLogButNeverAnotherTenantsSession() {
        TenantId tenant = TenantId.next(Instant.now());
        SessionId id = create(tenant, AgentId.next(Instant.now()), 1, Map.of());

        assertThat(directory.delete(TenantId.next(Instant.now()), id)).isFalse();
        assertThat(directory.find(id)).isPresent();
        assertThat(directory.delete(tenant, id)).isTrue();

        assertThat(directory.find(id)).isEmpty();
        assertThat(db.queryLong("SELECT count(*) FROM session_events WHERE session_id = '" + id + "'")).isZero();
        assertThat(directory.delete(tenant, id)).isFalse();
    }

    /** Ids made in the same millisecond sort by their random part, so the test orders them as the directory must. */
    private static List<SessionId> newestFirst(List<SessionId> ids) {
        return ids.stream().sorted(Comparator.comparing(SessionId::value).reversed()).toList();
    }

    private static SessionId create(TenantId tenant, AgentId agent, int version, Map<String, String> metadata) {
        SessionId id = SessionId.next(Instant.now());
        log.create(new NewSession(id, tenant, agent, version, metadata),
                List.of(new SessionStarted(agent, version, "test-model", null, metadata), new UserMessage("hello")));
        return id;
    }
}
