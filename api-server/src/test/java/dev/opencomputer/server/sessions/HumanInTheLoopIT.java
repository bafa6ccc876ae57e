package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Human in the loop end to end: agents whose permission policy asks before {@code bash}, and agents
 * with client tools, run by this application's brain in a real sandbox against the scripted model
 * server; answers come over the API with the tenant's key or the session's client token.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class HumanInTheLoopIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final String ORDER_TOOL = "lookup_order";

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
        registry.add("opencomputer.brain.hibernate-check-interval", () -> "200ms");
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAskOnBashWaitsForTheAnswerAndAnAllowRunsTheCommandOnce() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Counting.").withToolCall("bash",
                        "{\"command\":\"echo ran >> /workspace/count; echo counted\"}"),
                ScriptedTurn.text("Counted once.")));
        TestTenant tenant = tenantWithAgent("ask-allow", Map.of("default", "allow", "tools", Map.of("bash", "ask")), null);
        Map<String, Object> session = start(tenant, "count once please", null);
        String id = (String) session.get("id");
        String token = (String) session.get("clientToken");

        Map<String, Object> permission = awaitPendingPermission(tenant.key(), id);
        assertThat(permission).containsEntry("tool", "bash");
        assertThat((Map<String, Object>) permission.get("input")).containsKey("command");
        assertThat(file(tenant.key(), (String) session.get("sandboxId"), "count")).as("nothing ran before the answer")
                .isNull();

        String requestId = (String) permission.get("requestId");
        Map<String, Object> answered = answer(token, id, requestId, Map.of("decision", "allow"), 201);
        assertThat(answered).containsEntry("type", "permission.answered");
        assertThat((Map<String, Object>) answered.get("data")).containsEntry("by", "client_token")
                .containsEntry("decision", "allow");
        Await.value(WAIT, "the run to finish", () -> status(tenant.key(), id), "idle"::equals);

        assertThat(file(tenant.key(), (String) session.get("sandboxId"), "count")).isEqualTo("ran\n");
        List<String> types = types(tenant.key(), id);
        assertThat(types).containsSubsequence("agent.message", "permission.requested", "permission.answered",
                "run.started", "command.run", "command.exited", "agent.message", "session.idle");
        assertThat(types.stream().filter("permission.requested"::equals)).hasSize(1);
        assertThat(requestsFor("count once please").getLast().lastToolResult()).contains("counted");

        Map<String, Object> again = answer(tenant.key(), id, requestId, Map.of("decision", "deny"), 409);
        assertThat(again).containsEntry("type", PROBLEMS + "already-answered");
    }

    @Test
    void aDenyAnswersTheModelWithTheMessageAndNothingRuns() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Deleting.").withToolCall("bash", "{\"command\":\"echo gone >> /workspace/deleted\"}"),
                ScriptedTurn.text("Understood, I will not.")));
        TestTenant tenant = tenantWithAgent("ask-deny", Map.of("default", "ask"), null);
        Map<String, Object> session = start(tenant, "delete everything", null);
        String id = (String) session.get("id");
        Map<String, Object> permission = awaitPendingPermission(tenant.key(), id);

        answer(tenant.key(), id, (String) permission.get("requestId"),
                Map.of("decision", "deny", "message", "not on the production box"), 201);
        Await.value(WAIT, "the run to finish", () -> status(tenant.key(), id), "idle"::equals);

        RecordedRequest last = requestsFor("delete everything").getLast();
        assertThat(last.lastToolResult()).contains("denied").contains("not on the production box");
        assertThat(types(tenant.key(), id)).doesNotContain("command.run");
        assertThat(file(tenant.key(), (String) session.get("sandboxId"), "deleted")).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> answered = (Map<String, Object>) events(tenant.key(), id).stream()
                .filter(e -> "permission.answered".equals(e.get("type"))).findFirst().orElseThrow().get("data");
        assertThat((String) answered.get("by")).startsWith("api_key:");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aClientToolCallWaitsForTheBackendAndItsResultReachesTheModel() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Looking it up.").withToolCall(ORDER_TOOL, "{\"orderId\":\"A-42\"}"),
                ScriptedTurn.text("Your order has shipped.")));
        TestTenant tenant = tenantWithAgent("client-tool", null, List.of(Map.of("name", ORDER_TOOL,
                "description", "Looks an order up in the shop's backend",
                "inputSchema", Map.of("type", "object", "properties", Map.of("orderId", Map.of("type", "string")),
                        "required", List.of("orderId")))));
        Map<String, Object> session = start(tenant, "where is my order A-42", null);
        String id = (String) session.get("id");

        Map<String, Object> pending = Await.value(WAIT, "the client tool call", () -> pending(tenant.key(), id),
                p -> !((List<?>) p.get("clientToolCalls")).isEmpty());
        Map<String, Object> call = ((List<Map<String, Object>>) pending.get("clientToolCalls")).getFirst();
        assertThat(call).containsEntry("name", ORDER_TOOL);
        assertThat((Map<String, Object>) call.get("input")).containsEntry("orderId", "A-42");
        assertThat(status(tenant.key(), id)).isEqualTo("waiting");
        assertThat(toolNames(requestsFor("where is my order A-42").getFirst())).contains(ORDER_TOOL, "bash");

        Map<String, Object> result = toolResult((String) session.get("clientToken"), id,
                Map.of("callId", call.get("callId"), "output", "order A-42 shipped on Monday"), 201);
        assertThat(result).containsEntry("type", "tool.result");
        Await.value(WAIT, "the run to finish", () -> status(tenant.key(), id), "idle"::equals);

        assertThat(requestsFor("where is my order A-42").getLast().lastToolResult())
                .isEqualTo("order A-42 shipped on Monday");
        assertThat(types(tenant.key(), id)).containsSubsequence("client_tool.called", "tool.result", "run.started",
                "agent.message", "session.idle");
        Map<String, Object> again = toolResult(tenant.key(), id, Map.of("callId", call.get("callId"), "output", "x"),
                409);
        assertThat(again).containsEntry("type", PROBLEMS + "already-answered");
    }

    @Test
    void aClientTokenAnswersItsOwnSessionsRequestAndNoOther() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("One.").withToolCall("bash", "{\"command\":\"true\"}"),
                ScriptedTurn.text("Two.").withToolCall("bash", "{\"command\":\"true\"}")));
        TestTenant tenant = tenantWithAgent("tokens", Map.of("default", "allow", "tools", Map.of("bash", "ask")), null);
        Map<String, Object> first = start(tenant, "first session", null);
        Map<String, Object> second = start(tenant, "second session", null);
        String secondId = (String) second.get("id");
        Map<String, Object> permission = awaitPendingPermission(tenant.key(), secondId);
        awaitPendingPermission(tenant.key(), (String) first.get("id"));

        Map<String, Object> refused = answer((String) first.get("clientToken"), secondId,
                (String) permission.get("requestId"), Map.of("decision", "allow"), 403);
        assertThat(refused).containsEntry("type", PROBLEMS + "forbidden");
        assertThat(answer(tenant.key(), secondId, "perm_unknown", Map.of("decision", "allow"), 404))
                .containsEntry("type", PROBLEMS + "not-found");
        assertThat(answer(tenant.key(), secondId, (String) permission.get("requestId"), Map.of("decision", "maybe"),
                422)).containsEntry("type", PROBLEMS + "validation-failed");
        assertThat((List<?>) pending(tenant.key(), secondId).get("permissions")).hasSize(1);
    }

    @Test
    void aCancelSettlesThePendingRequestSoALaterAnswerIsAConflict() {
        MODELS.play(ModelScript.of(ScriptedTurn.text("Trying.").withToolCall("bash", "{\"command\":\"true\"}"),
                ScriptedTurn.text("Fine.")));
        TestTenant tenant = tenantWithAgent("cancel", Map.of("default", "allow", "tools", Map.of("bash", "ask")), null);
        String id = (String) start(tenant, "cancel me while waiting", null).get("id");
        String requestId = (String) awaitPendingPermission(tenant.key(), id).get("requestId");

        as(tenant.key()).post().uri("/v1/sessions/" + id + "/cancel").exchange().expectStatus().isAccepted();
        assertThat(status(tenant.key(), id)).isEqualTo("idle");
        assertThat(answer(tenant.key(), id, requestId, Map.of("decision", "allow"), 409))
                .containsEntry("type", PROBLEMS + "already-answered");
        assertThat((List<?>) pending(tenant.key(), id).get("permissions")).isEmpty();
    }

    @Test
    void aSessionTightensItsAgentsPolicyAndAnUnansweredRequestExpiresAsADeny() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Listing.").withToolCall("bash", "{\"command\":\"ls\"}"),
                ScriptedTurn.text("No answer, so I stopped.")));
        TestTenant tenant = tenantWithAgent("expiry", Map.of("default", "allow", "timeoutSeconds", 1), null);
        String id = (String) start(tenant, "list the files",
                Map.of("default", "allow", "tools", Map.of("ba*", "ask"))).get("id");

        Await.value(WAIT, "the run to finish", () -> status(tenant.key(), id), "idle"::equals);
        assertThat(types(tenant.key(), id)).containsSubsequence("permission.requested", "permission.expired",
                "run.started", "agent.message", "session.idle").doesNotContain("command.run");
        assertThat(requestsFor("list the files").getLast().lastToolResult()).contains("not answered in time");
    }

    @Test
    void invalidPermissionsAndClientToolSchemasAreRefusedAtCreation() {
        TestTenant tenant = newTenant("invalid");
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "bad", "model", "claude-sonnet-4-5"));
        body.put("permissions", Map.of("default", "deny", "tools", Map.of("bash", "sometimes")));
        body.put("clientTools", List.of(Map.of("name", "bash", "description", "clash",
                "inputSchema", Map.of("type", "string")),
                Map.of("name", "refund", "description", "refunds",
                        "inputSchema", Map.of("type", "object", "properties", Map.of("amount", Map.of("type", "money")),
                                "required", List.of("reason")))));
        String problem = as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isEqualTo(422).expectBody(String.class).returnResult()
                .getResponseBody();
        assertThat(problem).contains("permissions.default", "permissions.tools.bash", "clientTools[0].name",
                "clientTools[0].inputSchema.type", "clientTools[1].inputSchema.properties.amount.type",
                "clientTools[1].inputSchema.required");
        TestTenant withAgent = tenantWithAgent("invalid-session", null, null);
        String refused = as(withAgent.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "hi", "permissions", Map.of("timeoutSeconds", 5)))
                .exchange().expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
        assertThat(refused).as("a timeout is the agent's, not a session's").contains("permissions.timeoutSeconds");
    }

    private TestTenant tenantWithAgent(String name, Map<String, Object> permissions, List<Map<String, Object>> clientTools) {
        TestTenant tenant = newTenant(name);
        putSecret(tenant, "model-key", "sk-test-" + name);
        Map<String, Object> agent = new LinkedHashMap<>(Map.of("name", "coder", "model", "claude-sonnet-4-5",
                "provider", "anthropic", "credential", "model-key"));
        if (permissions != null) {
            agent.put("permissions", permissions);
        }
        if (clientTools != null) {
            agent.put("clientTools", clientTools);
        }
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(agent).exchange()
                .expectStatus().isCreated();
        return tenant;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> start(TestTenant tenant, String input, Map<String, Object> permissions) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("agent", "coder", "input", input));
        if (permissions != null) {
            body.put("permissions", permissions);
        }
        return as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> awaitPendingPermission(String key, String id) {
        Map<String, Object> pending = Await.value(WAIT, "a pending permission request", () -> pending(key, id),
                p -> !((List<?>) p.get("permissions")).isEmpty());
        assertThat(status(key, id)).isEqualTo("waiting");
        return ((List<Map<String, Object>>) pending.get("permissions")).getFirst();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> pending(String key, String id) {
        Map<String, Object> session = as(key).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (Map<String, Object>) session.get("pending");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> answer(String credential, String id, String requestId, Map<String, Object> body,
            int status) {
        return as(credential).post().uri("/v1/sessions/" + id + "/permissions/" + requestId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status)
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toolResult(String credential, String id, Map<String, Object> body, int status) {
        return as(credential).post().uri("/v1/sessions/" + id + "/tool-results").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isEqualTo(status).expectBody(Map.class).returnResult()
                .getResponseBody();
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

    private static List<RecordedRequest> requestsFor(String input) {
        return MODELS.requests().stream().filter(r -> !r.userTexts().isEmpty() && r.userTexts().getFirst().equals(input))
                .toList();
    }

    private static List<String> toolNames(RecordedRequest request) {
        return request.json().path("tools").valueStream().map(t -> t.path("name").asString()).toList();
    }
}
