package dev.opencomputer.server.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.server.sessions.SessionApiITBase;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Budgets end to end: this application's brain runs sessions in real sandboxes against the scripted
 * model server, which reports the usage of every response; the budget events, the status, the 409
 * and the figures of {@code GET /v1/sessions/{id}}, {@code …/budget} and {@code GET /v1/usage} are
 * checked through the API.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BudgetsIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final WebhookReceiver RECEIVER = WebhookReceiver.start();

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
        registry.add("opencomputer.brain.prices[local-model].input", () -> "0");
        registry.add("opencomputer.brain.prices[local-model].output", () -> "0");
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
        RECEIVER.close();
    }

    private TestTenant tenantWithAgent(String name, String model, Map<String, Object> budget) {
        TestTenant tenant = newTenant(name);
        putSecret(tenant, "model-key", "sk-test-budget");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", model, "provider", "anthropic", "credential", "model-key",
                        "budget", budget))
                .exchange().expectStatus().isCreated();
        return tenant;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> startSession(TestTenant tenant, Map<String, Object> body) {
        return as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> get(String key, String path) {
        return as(key).get().uri(path).exchange().expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    private String status(String key, String id) {
        return (String) get(key, "/v1/sessions/" + id).get("status");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(String key, String id) {
        return (List<Map<String, Object>>) get(key, "/v1/sessions/" + id + "/events?limit=1000").get("data");
    }

    private static List<String> types(List<Map<String, Object>> events) {
        return events.stream().map(e -> (String) e.get("type")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> only(List<Map<String, Object>> events, String type) {
        List<Map<String, Object>> found = events.stream().filter(e -> type.equals(e.get("type"))).toList();
        assertThat(found).as("one " + type).hasSize(1);
        return (Map<String, Object>) found.getFirst().get("data");
    }

    private static List<RecordedRequest> requestsFor(String input) {
        return MODELS.requests().stream()
                .filter(r -> !r.userTexts().isEmpty() && r.userTexts().getFirst().equals(input)).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTokenBudgetCrossedMidRunStopsTheRunAfterTheResponseThatCrossedItUntilTheBudgetIsRaised() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo one\"}").withUsage(40_000, 10_000),
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo two\"}").withUsage(25_000, 10_000),
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo three >> /workspace/three\"}")
                        .withUsage(10_000, 10_000),
                ScriptedTurn.text("Done after the raise.").withUsage(1_000, 100)));
        TestTenant tenant = tenantWithAgent("tokens", "claude-sonnet-4-5", Map.of("maxTokens", 100_000));
        String id = (String) startSession(tenant, Map.of("agent", "coder", "input", "spend tokens")).get("id");

        Await.until(WAIT, "the session is exhausted", () -> "exhausted".equals(status(tenant.key(), id)));
        List<Map<String, Object>> events = events(tenant.key(), id);
        assertThat(types(events)).containsSubsequence("agent.message", "command.run", "command.exited",
                "agent.message", "budget.warning", "command.run", "command.exited",
                "agent.message", "tool.result", "budget.exhausted");
        assertThat(types(events).getLast()).isEqualTo("budget.exhausted");
        assertThat(only(events, "budget.warning")).containsEntry("kind", "tokens").containsEntry("used", 85_000)
                .containsEntry("limit", 100_000);
        assertThat(only(events, "budget.exhausted")).containsEntry("kind", "tokens").containsEntry("used", 105_000)
                .containsEntry("limit", 100_000);
        assertThat(events.stream().filter(e -> "command.run".equals(e.get("type")))).hasSize(2);
        assertThat(only(events, "tool.result").get("output").toString()).contains("budget is exhausted");
        assertThat(requestsFor("spend tokens")).hasSize(3);

        Map<String, Object> budget = (Map<String, Object>) get(tenant.key(), "/v1/sessions/" + id).get("budget");
        assertThat((Map<String, Object>) budget.get("limits")).containsEntry("maxTokens", 100_000);
        assertThat((Map<String, Object>) budget.get("spent")).containsEntry("tokens", 105_000)
                .containsEntry("unpricedCalls", 0);
        assertThat((Map<String, Object>) budget.get("exhausted")).containsEntry("kind", "tokens");

        // a message to the exhausted session is refused, until the budget is raised
        as(tenant.key()).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "go on")).exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "budget-exhausted")
                .jsonPath("$.kind").isEqualTo("tokens");
        Map<String, Object> usage = get(tenant.key(), "/v1/usage");
        Map<String, Object> mine = ((List<Map<String, Object>>) usage.get("sessions")).stream()
                .filter(s -> id.equals(s.get("sessionId"))).findFirst().orElseThrow();
        assertThat(mine).containsEntry("inputTokens", 75_000).containsEntry("outputTokens", 30_000);
        assertThat(((Map<String, Object>) ((Map<String, Object>) mine.get("budget")).get("exhausted")))
                .containsEntry("kind", "tokens");

        as(tenant.key()).patch().uri("/v1/sessions/" + id + "/budget").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("maxTokens", 200_000)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.limits.maxTokens").isEqualTo(200_000).jsonPath("$.exhausted").doesNotExist();
        assertThat(status(tenant.key(), id)).isEqualTo("idle");
        post(tenant.key(), id, "go on");
        Await.until(WAIT, "the next message ran", () -> "idle".equals(status(tenant.key(), id))
                && types(events(tenant.key(), id)).getLast().equals("session.idle"));
        events = events(tenant.key(), id);
        assertThat(types(events)).containsSubsequence("budget.exhausted", "session.budget_changed", "user.message",
                "run.started", "agent.message", "session.idle");
        assertThat(types(events).stream().filter("budget.warning"::equals)).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCostBudgetIsCountedInDollarsByThePriceTableCacheTokensIncludedAndWarnsAndStopsOnce() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo one\"}").withUsage(2_000, 1_000, 10_000, 1_000),
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo two\"}").withUsage(2_000, 1_000, 10_000, 1_000),
                ScriptedTurn.text("never asked")));
        TestTenant tenant = tenantWithAgent("dollars", "claude-sonnet-4-5", Map.of("maxCostUsd", 0.05));
        as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", RECEIVER.url("/budget"), "events", List.of("budget.*")))
                .exchange().expectStatus().isCreated();
        String id = (String) startSession(tenant, Map.of("agent", "coder", "input", "spend dollars")).get("id");

        Await.until(WAIT, "the session is exhausted", () -> "exhausted".equals(status(tenant.key(), id)));
        List<Map<String, Object>> events = events(tenant.key(), id);
        // per response, at the default claude-sonnet-4-5 prices: 2000 * $3 + 1000 * $15 + 10000 cache reads
        // * $0.30 + 1000 cache writes * $3.75 per million = $0.02775; $0.0555 after the second, over $0.05
        assertThat(only(events, "budget.warning")).containsEntry("kind", "cost_usd").containsEntry("used", 0.0555)
                .containsEntry("limit", 0.05);
        assertThat(only(events, "budget.exhausted")).containsEntry("kind", "cost_usd").containsEntry("used", 0.0555);
        Map<String, Object> usage = (Map<String, Object>) events.stream()
                .filter(e -> "agent.message".equals(e.get("type"))).findFirst().map(e -> ((Map<String, Object>) e
                        .get("data")).get("usage")).orElseThrow();
        assertThat(usage).containsEntry("inputTokens", 2_000).containsEntry("cacheReadInputTokens", 10_000)
                .containsEntry("cacheCreationInputTokens", 1_000);
        assertThat(types(events)).containsSubsequence("agent.message", "agent.message", "budget.warning",
                "tool.result", "budget.exhausted");
        assertThat(requestsFor("spend dollars")).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> spent = (Map<String, Object>) get(tenant.key(), "/v1/sessions/" + id + "/budget")
                .get("spent");
        assertThat(spent).containsEntry("costUsd", 0.0555).containsEntry("tokens", 28_000);

        // the budget events reach the owner's webhook like any other
        Await.until(WAIT, "both budget events were delivered", () -> RECEIVER.received("/budget").size() >= 2);
        assertThat(RECEIVER.received("/budget"))
                .extracting(r -> tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.body()).get("type")
                        .asString())
                .containsExactlyInAnyOrder("budget.warning", "budget.exhausted");
    }

    @Test
    void aSessionMayOnlyLowerItsAgentsBudgetAndACallThatWouldCertainlyCrossIsNeverMade() {
        TestTenant tenant = tenantWithAgent("narrow", "claude-sonnet-4-5", Map.of("maxTokens", 100_000));
        as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "too much", "budget", Map.of("maxTokens", 200_000)))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("budget.maxTokens");

        // 50 tokens are fewer than the request alone (system prompt and tool definitions)
        MODELS.play(ModelScript.of(ScriptedTurn.text("never asked")));
        String id = (String) startSession(tenant, Map.of("agent", "coder", "input", "too little",
                "budget", Map.of("maxTokens", 50))).get("id");
        Await.until(WAIT, "the session is exhausted", () -> "exhausted".equals(status(tenant.key(), id)));
        List<Map<String, Object>> events = events(tenant.key(), id);
        assertThat(types(events)).containsExactly("session.started", "session.budget_changed", "user.message",
                "run.started", "budget.exhausted");
        assertThat(((Number) only(events, "budget.exhausted").get("used")).longValue()).isGreaterThan(50);
        assertThat(requestsFor("too little")).isEmpty();
    }

    @Test
    void aRunTimeBudgetThatRunsOutDuringACommandStopsTheRunWhileItWaits() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"sleep 60; echo late >> /workspace/late\"}"),
                ScriptedTurn.text("never asked")));
        TestTenant tenant = tenantWithAgent("run-time", "claude-sonnet-4-5", Map.of("maxRunTime", 8));
        String id = (String) startSession(tenant, Map.of("agent", "coder", "input", "take your time")).get("id");
        long started = System.nanoTime();
        Await.until(WAIT, "the session is exhausted", () -> "exhausted".equals(status(tenant.key(), id)));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        List<Map<String, Object>> events = events(tenant.key(), id);
        assertThat(types(events)).containsSubsequence("command.run", "tool.result", "budget.exhausted");
        Map<String, Object> exhausted = only(events, "budget.exhausted");
        assertThat(exhausted).containsEntry("kind", "run_time").containsEntry("limit", 8);
        assertThat(((Number) exhausted.get("used")).doubleValue()).isBetween(8.0, 12.0);
        assertThat(only(events, "tool.result").get("output").toString()).contains("run_time budget is exhausted");
        assertThat(tookMillis).as("stopped while the command slept, not after it").isLessThan(25_000);
        assertThat(requestsFor("take your time")).hasSize(1);
        System.out.printf("run-time budget of 8 s: stopped after %d ms, budget.exhausted used %s s%n", tookMillis,
                exhausted.get("used"));
    }

    @Test
    void aCostBudgetNeedsAPricedModel() {
        TestTenant tenant = newTenant("unpriced");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "mystery-model", "provider", "anthropic",
                        "budget", Map.of("maxCostUsd", 1)))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("budget.maxCostUsd");
        String agentId = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "mystery-model", "provider", "anthropic"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "x", "budget", Map.of("maxCostUsd", 1)))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("budget.maxCostUsd");
        // a configured price makes it cappable
        as(tenant.key()).patch().uri("/v1/agents/" + agentId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "local-model", "budget", Map.of("maxCostUsd", 1)))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.budget.maxCostUsd").isEqualTo(1);
    }
}
