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
 * {@code kill -9} of a brain process in the middle of a run under a token budget, and a fresh
 * process resuming it: the tokens spent before the crash still count (the spend is folded from the
 * log), so the warning and the exhaustion come when the whole session's spend crosses, not the
 * resumed run's.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BudgetCrashIT extends SessionApiITBase {

    private static final Duration LEASE = Duration.ofSeconds(3);
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

    private static Process startServer(String name) throws Exception {
        Process process = BrainProcess.start("budget-" + name, DATABASE.url(), MODELS, LEASE, List.of());
        CHILDREN.add(process);
        return process;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aKilledRunResumesWithTheSpendItHadAndStopsWhenTheWholeSessionCrossesItsBudget() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo first\"}").withUsage(60_000, 0),
                ScriptedTurn.hanging(),
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo second\"}").withUsage(25_000, 0),
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo third\"}").withUsage(20_000, 0),
                ScriptedTurn.text("never asked")));
        TestTenant tenant = newTenant("budget-crash");
        putSecret(tenant, "model-key", "sk-test-budget-crash");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5", "provider", "anthropic",
                        "credential", "model-key", "budget", Map.of("maxTokens", 100_000)))
                .exchange().expectStatus().isCreated();
        String id = (String) as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "survive on a budget")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");

        Process first = startServer("first");
        MODELS.awaitRequests(2, Duration.ofSeconds(120)); // the second call hangs: 60,000 tokens are spent
        first.destroyForcibly().waitFor();

        startServer("second");
        Await.until(Duration.ofSeconds(120), "the resumed run stopped at the budget (logs in target/server-crash-*.log)",
                () -> "exhausted".equals(status(tenant.key(), id)));

        List<Map<String, Object>> events = events(tenant.key(), id);
        List<String> types = events.stream().map(e -> (String) e.get("type")).toList();
        assertThat(types).containsSubsequence("agent.message", "runtime.restarted", "agent.message",
                "budget.warning", "agent.message", "budget.exhausted");
        Map<String, Object> warning = data(events, "budget.warning");
        assertThat(warning).containsEntry("used", 85_000).containsEntry("limit", 100_000);
        assertThat(data(events, "budget.exhausted")).containsEntry("kind", "tokens").containsEntry("used", 105_000);
        Map<String, Object> budget = (Map<String, Object>) as(tenant.key()).get().uri("/v1/sessions/" + id + "/budget")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("spent");
        assertThat(budget).containsEntry("tokens", 105_000);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(List<Map<String, Object>> events, String type) {
        List<Map<String, Object>> found = events.stream().filter(e -> type.equals(e.get("type"))).toList();
        assertThat(found).as("one " + type).hasSize(1);
        return (Map<String, Object>) found.getFirst().get("data");
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
}
