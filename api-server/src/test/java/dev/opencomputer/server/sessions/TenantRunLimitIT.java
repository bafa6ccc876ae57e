package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A tenant at its tier's {@code maxRunningSessions} has further sessions queued as {@code pending};
 * another tenant is not held up, and the queued sessions run as slots free.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TenantRunLimitIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(
            ModelScript.of(ScriptedTurn.text("Done.").withDelay(Duration.ofMillis(4000))));

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::url);
        registry.add("opencomputer.roles", () -> "api,brain,dispatcher");
        registry.add("opencomputer.api.tiers.standard.max-running-sessions", () -> "2");
        registry.add("opencomputer.api.tiers.standard.max-live-sandboxes", () -> "20");
        registry.add("opencomputer.brain.anthropic-base-url", () -> MODELS.anthropicBaseUrl().toString());
        registry.add("opencomputer.brain.claim-interval", () -> "100ms");
        registry.add("opencomputer.brain.lease-duration", () -> "6s");
        registry.add("opencomputer.brain.heartbeat-interval", () -> "2s");
        registry.add("opencomputer.sandbox.default-image", TestEngine::busyboxImage);
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }

    private Setup agent(String name) {
        var tenant = newTenant(name);
        putSecret(tenant, "model-key", "sk-ant-test");
        String agentId = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5", "provider", "anthropic",
                        "credential", "model-key"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        return new Setup(tenant, agentId);
    }

    @SuppressWarnings("unchecked")
    private Instant runStarted(String key, String id) {
        List<Map<String, Object>> events = (List<Map<String, Object>>) as(key).get()
                .uri("/v1/sessions/" + id + "/events").exchange().expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody().get("data");
        return events.stream().filter(e -> "run.started".equals(e.get("type"))).map(e -> Instant.parse((String) e.get("time")))
                .findFirst().orElseThrow();
    }

    @Test
    void aBurstFromOneTenantIsQueuedAtItsLimitWhileAnotherTenantRuns() {
        Setup busy = agent("busy");
        Setup quiet = agent("quiet");
        Map<String, Integer> most = new ConcurrentHashMap<>();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                jdbc.sql("""
                        select tenant_id, count(*) from sessions
                         where status in ('pending', 'running') and lease_expires_at >= clock_timestamp()
                         group by tenant_id""")
                        .query((rs, n) -> most.merge(rs.getString(1), rs.getInt(2), Math::max)).list();
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        });
        try {
            // the burst: seven starts at once, five of them from the busy tenant
            List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> starters = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Setup who = i == 1 || i == 4 ? quiet : busy;
                String input = "task " + i; // the model server keeps one script position per first message
                starters.add(Thread.ofVirtual().start(() -> all.add((String) start(who, input).get("id"))));
            }
            for (Thread starter : starters) {
                try {
                    starter.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            assertThat(all).hasSize(7);

            Await.until(Duration.ofSeconds(60), "every session ran",
                    () -> all.stream().allMatch(id -> "idle".equals(statusOf(id))));
        } finally {
            sampler.interrupt();
        }
        assertThat(most.get(busy.tenant().id())).isEqualTo(2);
        assertThat(most.get(quiet.tenant().id())).isLessThanOrEqualTo(2);
        // the quiet tenant's sessions did not wait for the busy tenant's queue
        List<Instant> busyStarts = new ArrayList<>();
        for (String id : jdbc.sql("select id from sessions where tenant_id = ? order by id").param(busy.tenant().id())
                .query(String.class).list()) {
            busyStarts.add(runStarted(busy.tenant().key(), id));
        }
        busyStarts.sort(null);
        for (String id : jdbc.sql("select id from sessions where tenant_id = ?").param(quiet.tenant().id())
                .query(String.class).list()) {
            assertThat(runStarted(quiet.tenant().key(), id)).isBefore(busyStarts.get(2));
        }
        // the third of the busy tenant's sessions started only once a slot was free (a run takes 4 s)
        assertThat(Duration.between(busyStarts.get(0), busyStarts.get(2))).as("busy starts " + busyStarts).isGreaterThan(Duration.ofMillis(3500));
    }

    private String statusOf(String id) {
        return jdbc.sql("select status from sessions where id = ?").param(id).query(String.class).single();
    }
}
