package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A pending permission request outlives its brain: the process that asked is killed with
 * {@code kill -9}, a second process hibernates the waiting session (so it looked at it and did not
 * ask again or run the call) and is killed too, the answer arrives while no brain runs at all, and a
 * third process applies it: the command runs once, after the answer, and a second answer is refused.
 * This JVM serves the API only; the brains are processes of their own ({@link BrainProcess}).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PermissionCrashIT extends SessionApiITBase {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final List<Process> CHILDREN = new ArrayList<>();

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        BrainProcess.registerApiOnly(registry, DATABASE);
    }

    @AfterAll
    static void stopEverything() {
        CHILDREN.forEach(Process::destroyForcibly);
        MODELS.close();
    }

    private static Process brain(String name, String... extra) throws Exception {
        Process process = BrainProcess.start(name, DATABASE.url(), MODELS, LEASE, List.of(extra));
        CHILDREN.add(process);
        return process;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPendingRequestSurvivesKillNineAndHibernationAndIsAnsweredOnceByTheNextProcess() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Counting.").withToolCall("bash", "{\"command\":\"echo ran >> /workspace/count\"}"),
                ScriptedTurn.text("Counted.")));
        TestTenant tenant = newTenant("hitl-crash");
        putSecret(tenant, "model-key", "sk-test-hitl-crash");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5", "provider", "anthropic",
                        "credential", "model-key", "permissions", Map.of("tools", Map.of("bash", "ask"))))
                .exchange().expectStatus().isCreated();
        Map<String, Object> session = as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "count after a crash")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) session.get("id");
        String key = tenant.key();

        Process first = brain("hitl-first");
        Await.value(LONG, "the first brain to ask (logs in target/server-crash-hitl-*.log)", () -> status(key, id),
                "waiting"::equals);
        first.destroyForcibly().waitFor();

        Process second = brain("hitl-second", "--opencomputer.brain.idle-hibernate-after=1s",
                "--opencomputer.brain.hibernate-check-interval=200ms");
        Await.until(LONG, "the second brain to hibernate the waiting session",
                () -> types(key, id).contains("session.hibernated"));
        assertThat(status(key, id)).as("hibernated while waiting, still waiting").isEqualTo("waiting");
        second.destroyForcibly().waitFor();

        List<Map<String, Object>> pending = (List<Map<String, Object>>) pending(key, id).get("permissions");
        assertThat(pending).hasSize(1);
        String requestId = (String) pending.getFirst().get("requestId");
        as(key).post().uri("/v1/sessions/" + id + "/permissions/" + requestId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("decision", "allow")).exchange().expectStatus().isCreated();
        assertThat(status(key, id)).as("answered while no brain runs").isEqualTo("pending");
        as(key).post().uri("/v1/sessions/" + id + "/permissions/" + requestId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("decision", "allow")).exchange().expectStatus().isEqualTo(409);

        brain("hitl-third");
        Await.value(LONG, "the third brain to finish the run", () -> status(key, id), "idle"::equals);

        List<Map<String, Object>> events = events(key, id);
        List<String> types = events.stream().map(e -> (String) e.get("type")).toList();
        assertThat(types.stream().filter("permission.requested"::equals)).hasSize(1);
        assertThat(types.stream().filter("permission.answered"::equals)).hasSize(1);
        assertThat(types.stream().filter("command.run"::equals)).hasSize(1);
        assertThat(types).containsSubsequence("permission.requested", "session.hibernated", "permission.answered",
                "run.started", "session.woke", "command.run", "command.exited", "agent.message", "session.idle");
        assertThat(file(key, (String) session.get("sandboxId"), "count")).isEqualTo("ran\n");
        for (int i = 0; i < events.size(); i++) {
            assertThat(((Number) events.get(i).get("seq")).longValue()).as("gapless seq").isEqualTo(i + 1L);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> pending(String key, String id) {
        return (Map<String, Object>) as(key).get().uri("/v1/sessions/" + id).exchange().expectBody(Map.class)
                .returnResult().getResponseBody().get("pending");
    }

    @SuppressWarnings("unchecked")
    private String status(String key, String id) {
        return (String) as(key).get().uri("/v1/sessions/" + id).exchange().expectBody(Map.class).returnResult()
                .getResponseBody().get("status");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(String key, String id) {
        return (List<Map<String, Object>>) as(key).get().uri("/v1/sessions/" + id + "/events?limit=1000").exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("data");
    }

    private List<String> types(String key, String id) {
        return events(key, id).stream().map(e -> (String) e.get("type")).toList();
    }

    private String file(String key, String sandbox, String path) {
        var result = as(key).get().uri("/v1/sandboxes/" + sandbox + "/files?path=" + path).exchange()
                .expectBody(String.class).returnResult();
        return result.getStatus().is2xxSuccessful() ? result.getResponseBody() : null;
    }
}
