package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Idle sessions hibernate: after the idle time their sandbox is stopped (checked through the engine)
 * and they hold no lease; a message or {@code POST …/wake} starts the sandbox again on the same
 * workspace before the run goes on.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SessionHibernationIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
        registry.add("opencomputer.brain.idle-hibernate-after", () -> "1500ms");
        registry.add("opencomputer.brain.hibernate-check-interval", () -> "200ms");
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }


    private String status(String key, String id) {
        return (String) as(key).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("status");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(String key, String id) {
        return (List<Map<String, Object>>) as(key).get().uri("/v1/sessions/" + id + "/events?limit=1000").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("data");
    }

    private static InspectContainerResponse.ContainerState container(String sandboxId) throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestEngine.dockerHost())
                .build();
        try (var engine = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(TestEngine.dockerHost())).build())) {
            return engine.inspectContainerCmd("oc-" + sandboxId).exec().getState();
        }
    }

    @Test
    void anIdleSessionHibernatesAndAMessageWakesItOnTheSameWorkspace() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Noting it.").withToolCall("bash", "{\"command\":\"echo kept > /workspace/note\"}"),
                ScriptedTurn.text("Noted."),
                ScriptedTurn.text("Reading it.").withToolCall("bash", "{\"command\":\"cat /workspace/note\"}"),
                ScriptedTurn.text("It says kept.")));
        Setup setup = tenantWithKeyedAgent("sleeper", "sk-ant-test");
        String key = setup.tenant().key();
        Map<String, Object> session = start(setup, "note something");
        String id = (String) session.get("id");
        String sandbox = (String) session.get("sandboxId");

        Await.value(WAIT, "hibernation", () -> status(key, id), "hibernated"::equals);
        assertThat(container(sandbox).getRunning()).isFalse();
        assertThat(events(key, id)).extracting(e -> e.get("type")).endsWith("session.idle", "session.hibernated");
        assertThat(jdbc.sql("select lease_owner from sessions where id = ?").param(id).query(String.class).optional())
                .isEmpty();

        post(key, id, "what did you note?");
        List<Map<String, Object>> events = Await.value(WAIT, "the second run", () -> events(key, id),
                list -> "session.idle".equals(list.getLast().get("type")) && list.size() > 10);
        List<Object> types = events.stream().map(e -> e.get("type")).toList();
        assertThat(types.subList(types.lastIndexOf("session.hibernated"), types.size())).containsSubsequence(
                "session.hibernated", "user.message", "run.started", "session.woke", "command.run",
                "command.exited", "session.idle");
        assertThat(events.stream().filter(e -> "command.exited".equals(e.get("type"))).toList().getLast().toString())
                .contains("kept");
    }

    @Test
    void anExhaustedSessionHibernatesStillRefusesMessagesAndRunsAgainOnceItsBudgetIsRaised() throws Exception {
        MODELS.play(ModelScript.of(ScriptedTurn.text("Within budget at last.")));
        Setup setup = tenantWithKeyedAgent("exhausted-sleeper", "sk-ant-test");
        String key = setup.tenant().key();
        // 50 tokens are fewer than the request alone: the first call is refused, the session exhausted
        String id = (String) as(key).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "on a tight budget", "budget", Map.of("maxTokens", 50)))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String sandbox = (String) as(key).get().uri("/v1/sessions/" + id).exchange().expectBody(Map.class)
                .returnResult().getResponseBody().get("sandboxId");

        Await.value(WAIT, "hibernation of the exhausted session", () -> status(key, id), "hibernated"::equals);
        assertThat(container(sandbox).getRunning()).isFalse();
        assertThat(events(key, id)).extracting(e -> e.get("type")).endsWith("budget.exhausted", "session.hibernated");
        as(key).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "please")).exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "budget-exhausted");

        as(key).patch().uri("/v1/sessions/" + id + "/budget").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("maxTokens", 1_000_000)).exchange().expectStatus().isOk();
        post(key, id, "please");
        List<Map<String, Object>> events = Await.value(WAIT, "the run after the raise", () -> events(key, id),
                list -> "session.idle".equals(list.getLast().get("type")));
        assertThat(events).extracting(e -> e.get("type")).containsSubsequence("budget.exhausted",
                "session.hibernated", "session.budget_changed", "user.message", "run.started", "session.woke",
                "agent.message", "session.idle");
    }

    @Test
    void wakingAHibernatedSessionStartsItsSandboxWithoutARun() throws Exception {
        MODELS.play(ModelScript.of(ScriptedTurn.text("Hello.")));
        Setup setup = tenantWithKeyedAgent("waker", "sk-ant-test");
        String key = setup.tenant().key();
        Map<String, Object> session = start(setup, "hi");
        String id = (String) session.get("id");
        Await.value(WAIT, "hibernation", () -> status(key, id), "hibernated"::equals);
        assertThat(container((String) session.get("sandboxId")).getRunning()).isFalse();

        as(key).post().uri("/v1/sessions/" + id + "/wake").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("idle");
        assertThat(container((String) session.get("sandboxId")).getRunning()).isTrue();
        assertThat(events(key, id).getLast().get("type")).isEqualTo("session.woke");
        // idle again, it hibernates again
        Await.value(WAIT, "hibernation again", () -> status(key, id), "hibernated"::equals);
    }

    @Test
    void aSharedSandboxHibernatesOnlyWhenEverySessionOnItIsIdle() throws Exception {
        MODELS.play(ModelScript.of(ScriptedTurn.text("One."), ScriptedTurn.text("Two.")));
        Setup setup = tenantWithKeyedAgent("sharer", "sk-ant-test");
        String key = setup.tenant().key();
        Map<String, Object> first = start(setup, "one");
        String sandbox = (String) first.get("sandboxId");
        String firstId = (String) first.get("id");
        Await.value(WAIT, "the first run", () -> status(key, firstId), "idle"::equals);
        // a second session joins before the first has been idle long enough, then keeps being poked
        String second = (String) as(key).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "two", "sandbox", sandbox)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        Await.value(WAIT, "the second run", () -> status(key, second), "idle"::equals);
        assertThat(status(key, firstId)).isIn("idle", "hibernated");
        Await.value(WAIT, "both hibernated",
                () -> List.of(status(key, firstId), status(key, second)),
                both -> both.equals(List.of("hibernated", "hibernated")));
        assertThat(container(sandbox).getRunning()).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void usageCountsRunningTimeAndTokensButNotIdleOrHibernatedTime() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Thinking slowly.").withDelay(Duration.ofMillis(800)).withUsage(100, 20),
                ScriptedTurn.text("Again.").withDelay(Duration.ofMillis(400)).withUsage(50, 10)));
        Setup setup = tenantWithKeyedAgent("metered", "sk-ant-test");
        Setup other = tenantWithKeyedAgent("unmetered", "sk-ant-test");
        String key = setup.tenant().key();
        String id = startId(setup);
        Await.value(WAIT, "hibernation", () -> status(key, id), "hibernated"::equals);
        post(key, id, "once more");
        Await.value(WAIT, "the second run", () -> status(key, id), "idle"::equals);

        List<Map<String, Object>> events = events(key, id);
        Instant created = Instant.parse((String) events.getFirst().get("time"));
        long expectedMillis = 0;
        Instant since = null;
        for (Map<String, Object> event : events) {
            Instant at = Instant.parse((String) event.get("time"));
            if ("run.started".equals(event.get("type"))) {
                since = at;
            } else if ("session.idle".equals(event.get("type"))) {
                expectedMillis += Duration.between(since, at).toMillis();
            }
        }
        Instant last = Instant.parse((String) events.getLast().get("time"));
        assertThat(Duration.between(created, last).toMillis() - expectedMillis)
                .as("idle and hibernated time in between").isGreaterThan(1500);

        Map<String, Object> usage = as(key).get().uri("/v1/usage?from=" + created.minusSeconds(1)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        Map<String, Object> total = (Map<String, Object>) usage.get("total");
        assertThat(((Number) total.get("runningSeconds")).doubleValue() * 1000)
                .isCloseTo(expectedMillis, org.assertj.core.data.Offset.offset(2.0));
        assertThat(expectedMillis).isGreaterThanOrEqualTo(1200);
        assertThat(total).containsEntry("modelCalls", 2).containsEntry("inputTokens", 150)
                .containsEntry("outputTokens", 30);
        assertThat((List<Map<String, Object>>) usage.get("sessions")).singleElement()
                .satisfies(s -> assertThat(s).containsEntry("sessionId", id).containsEntry("inputTokens", 150));

        // a range after the runs has nothing; another tenant sees nothing of it
        as(key).get().uri("/v1/usage?from=" + last.plusMillis(1)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.total.runningSeconds").isEqualTo(0.0).jsonPath("$.sessions.length()")
                .isEqualTo(0);
        as(other.tenant().key()).get().uri("/v1/usage").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.sessions.length()").isEqualTo(0);
        as(key).get().uri("/v1/usage?from=later").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.parameter").isEqualTo("from");
    }
}
