package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
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
 * Controlling a live session through the API: {@code POST …/cancel} with a client token during a
 * command, a message posted with {@code mode: interrupt} during a model call, a cancel of an idle
 * session, and a live config change that shows in the next request the model server receives.
 * This application's worker runs the sessions in real sandboxes against the scripted model server.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SessionControlIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }


    @SuppressWarnings("unchecked")
    private Map<String, Object> startSession(Setup setup, Map<String, Object> body) {
        return as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(String key, String id) {
        Map<String, Object> page = as(key).get().uri("/v1/sessions/" + id + "/events?limit=1000").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return (List<Map<String, Object>>) page.get("data");
    }

    private List<String> types(String key, String id) {
        return events(key, id).stream().map(e -> (String) e.get("type")).toList();
    }

    private String status(String key, String id) {
        return (String) as(key).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("status");
    }

    private static List<RecordedRequest> requestsFor(String input) {
        return MODELS.requests().stream().filter(r -> !r.userTexts().isEmpty() && r.userTexts().getFirst().equals(input))
                .toList();
    }

    @Test
    void aClientTokenCancelsARunningCommandAndTheSessionAnswersTheNextMessage() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"sleep 600\"}"),
                ScriptedTurn.text("Stopped it: {{lastToolResult}}")).withCursor(ModelScript.Cursor.GLOBAL));
        Setup setup = tenantWithKeyedAgent("cancel", "sk-test-cancel");
        String key = setup.tenant().key();
        Map<String, Object> session = startSession(setup, Map.of("agent", "coder", "input", "sleep long"));
        String id = (String) session.get("id");
        String token = (String) session.get("clientToken");
        Await.until(Duration.ofSeconds(60), "command.run", () -> types(key, id).contains("command.run"));

        long cancelledAt = System.nanoTime();
        anonymous().post().uri("/v1/sessions/" + id + "/cancel").header("Authorization", "Bearer " + token)
                .exchange().expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("idle");
        Await.until(Duration.ofSeconds(60), "the cancelled call's result",
                () -> types(key, id).getLast().equals("tool.result"));
        Duration took = Duration.ofNanos(System.nanoTime() - cancelledAt);

        assertThat(took).isLessThan(Duration.ofSeconds(10));
        List<Map<String, Object>> events = events(key, id);
        assertThat(events).extracting(e -> e.get("type")).endsWith("command.run", "run.cancelled", "tool.result");
        assertThat(events.getLast().get("data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("output", "cancelled").containsEntry("error", true);
        assertThat(status(key, id)).isEqualTo("idle");

        // nothing to cancel now: a harmless no-op
        as(key).post().uri("/v1/sessions/" + id + "/cancel").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("idle");

        post(key, id, "never mind");
        Await.until(Duration.ofSeconds(60), "the answer to the next message",
                () -> types(key, id).getLast().equals("session.idle"));
        List<RecordedRequest> requests = requestsFor("sleep long");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).lastToolResult()).isEqualTo("cancelled");
        assertThat(requests.get(1).lastUserText()).isEqualTo("never mind");
    }

    @Test
    void anInterruptingMessageCancelsTheModelCallAndIsAnsweredAtOnce() {
        MODELS.play(ModelScript.of(ScriptedTurn.hanging(), ScriptedTurn.text("Switching."))
                .withCursor(ModelScript.Cursor.GLOBAL));
        Setup setup = tenantWithKeyedAgent("interrupt", "sk-test-cancel");
        String key = setup.tenant().key();
        String id = (String) startSession(setup, Map.of("agent", "coder", "input", "think hard")).get("id");
        Await.until(Duration.ofSeconds(60), "the first model request", () -> requestsFor("think hard").size() == 1);

        as(key).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "do this instead", "mode", "interrupt")).exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.type").isEqualTo("user.message");
        Await.until(Duration.ofSeconds(60), "the answer to the interrupting message",
                () -> types(key, id).getLast().equals("session.idle"));

        assertThat(types(key, id)).containsExactly("session.started", "user.message", "run.started", "run.cancelled",
                "user.message", "run.started", "agent.message", "session.idle");
        // Anthropic merges the two user messages into one: the request after the cancel carries both
        RecordedRequest last = MODELS.requests().getLast();
        assertThat(String.join("\n", last.userTexts())).contains("think hard").contains("do this instead");
        assertThat(last.assistantMessageCount()).isZero();
    }

    @Test
    void aMessageModeOtherThanQueueOrInterruptIsRejected() {
        MODELS.play(ModelScript.of(ScriptedTurn.text("Hi.")));
        Setup setup = tenantWithKeyedAgent("badmode", "sk-test-cancel");
        String key = setup.tenant().key();
        String id = (String) startSession(setup, Map.of("agent", "coder", "input", "hello there")).get("id");

        as(key).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "x", "mode", "shout")).exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "validation-failed");
        Await.until(Duration.ofSeconds(60), "the session idle",
                        () -> "idle".equals(status(key, id)) && types(key, id).contains("session.idle"));
    }

    @Test
    void aConfigChangeIsValidatedRecordedAndShowsInTheNextModelRequest() {
        MODELS.play(ModelScript.of(ScriptedTurn.text("One."), ScriptedTurn.text("Two."))
                .withCursor(ModelScript.Cursor.GLOBAL));
        MODELS.clearRequests();
        Setup setup = tenantWithKeyedAgent("config", "sk-test-cancel");
        String key = setup.tenant().key();
        Map<String, Object> session = startSession(setup, Map.of("agent", "coder", "input", "configure me"));
        String id = (String) session.get("id");
        String token = (String) session.get("clientToken");
        Await.until(Duration.ofSeconds(60), "the first answer", () -> types(key, id).contains("session.idle"));

        anonymous().get().uri("/v1/sessions/" + id + "/config-options").header("Authorization", "Bearer " + token)
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.models[0]").isEqualTo("claude-sonnet-4-5")
                .jsonPath("$.models[1]").isEqualTo("claude-opus-4-1")
                .jsonPath("$.modes[0]").isEqualTo("auto").jsonPath("$.modes[1]").isEqualTo("plan")
                .jsonPath("$.thinking[3]").isEqualTo("high")
                .jsonPath("$.current.model").isEqualTo("claude-sonnet-4-5")
                .jsonPath("$.current.mode").isEqualTo("auto").jsonPath("$.current.thinking").isEqualTo("off");
        as(key).patch().uri("/v1/sessions/" + id + "/config").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "gpt-5", "thinking", "extreme")).exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "validation-failed")
                .jsonPath("$.errors.length()").isEqualTo(2);
        as(key).patch().uri("/v1/sessions/" + id + "/config").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "claude-opus-4-1", "thinking", "high", "mode", "plan")).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.model").isEqualTo("claude-opus-4-1").jsonPath("$.thinking").isEqualTo("high")
                .jsonPath("$.mode").isEqualTo("plan");
        assertThat(types(key, id)).endsWith("session.idle", "session.config_changed");

        post(key, id, "and now?");
        Await.until(Duration.ofSeconds(60), "the second answer",
                () -> types(key, id).stream().filter("session.idle"::equals).count() == 2);
        assertThat(MODELS.requests()).hasSize(2);
        RecordedRequest next = MODELS.requests().getLast();
        assertThat(next.model()).isEqualTo("claude-opus-4-1");
        assertThat(next.json().path("thinking").path("type").asString()).isEqualTo("enabled");
        assertThat(next.toolNames()).doesNotContain("bash", "write_file", "edit_file");
        assertThat(next.system()).contains("plan mode");
        assertThat(MODELS.requests().get(MODELS.requests().size() - 2).model()).isEqualTo("claude-sonnet-4-5");
    }
}
