package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An ACP session (the real Claude agent) outlives its brain: the brain process is killed with
 * {@code kill -9} while the agent's turn waits for the model, a second process claims the session,
 * kills the leftover agent, starts a new one that loads its own session ({@code session/load}) and is
 * told its turn was cut — the finished command is not run again, the answered prompt never sent
 * again — then hibernates the idle session, and a message wakes it: the agent loads its session once
 * more and answers. This JVM serves the API only; the brains are processes of their own.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AcpCrashIT extends SessionApiITBase {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final List<Process> CHILDREN = new ArrayList<>();
    private static final Path SOCKETS = sockets();

    private static Path sockets() {
        try {
            return Files.createTempDirectory("oc-acp-crash-sockets");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        BrainProcess.registerApiOnly(registry, DATABASE);
        registry.add("opencomputer.sandbox.image-mounts[1].image", TestEngine::acpImage);
        registry.add("opencomputer.sandbox.image-mounts[1].source", () -> "/usr");
        registry.add("opencomputer.sandbox.image-mounts[1].target", () -> "/usr");
        registry.add("opencomputer.sandbox.socket-dir", SOCKETS::toString);
    }

    /**
     * Each test's brains end with it: a brain left running would claim the next test's session before
     * that test's own brain does (the kill -9 case then kills a brain that never ran it).
     */
    @AfterEach
    void stopThisTestsBrains() throws InterruptedException {
        for (Process child : CHILDREN) {
            child.destroyForcibly().waitFor();
        }
        CHILDREN.clear();
    }

    @AfterAll
    static void stopEverything() {
        CHILDREN.forEach(Process::destroyForcibly);
        MODELS.releaseHangs();
        MODELS.close();
    }

    private static Process brain(String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--opencomputer.sandbox.image-mounts[1].image=" + TestEngine.acpImage(),
                "--opencomputer.sandbox.image-mounts[1].source=/usr",
                "--opencomputer.sandbox.image-mounts[1].target=/usr",
                "--opencomputer.sandbox.socket-dir=" + SOCKETS));
        args.addAll(List.of(extra));
        Process process = BrainProcess.start(name, DATABASE.url(), MODELS, LEASE, args);
        CHILDREN.add(process);
        return process;
    }

    /** The tenant's key and the session ({@code POST /v1/sessions} answer) started. */
    private record ClaudeSession(String key, Map<String, Object> session) {
    }

    /**
     * A new tenant with a model key, an agent {@code claude} on the Claude agent with {@code fields}
     * besides its model, credential and runtime, and a session of it with {@code input} (pending: no
     * brain runs yet).
     */
    @SuppressWarnings("unchecked")
    private ClaudeSession claudeSession(String tenantName, Map<String, Object> fields, String input) {
        TestTenant tenant = newTenant(tenantName);
        putSecret(tenant, "model-key", "sk-test-" + tenantName);
        Map<String, Object> agent = new java.util.HashMap<>(fields);
        agent.putAll(Map.of("name", "claude", "model", "claude-opus-4-8", "credential", "model-key",
                "runtime", "claude-agent-sdk"));
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(agent)
                .exchange().expectStatus().isCreated();
        Map<String, Object> session = as(tenant.key()).post().uri("/v1/sessions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("agent", "claude", "input", input))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return new ClaudeSession(tenant.key(), session);
    }

    @Test
    void killNineMidTurnResumesTheAgentsOwnSessionWithoutRepeatingAnythingAndAWakeLoadsItAgain() throws Exception {
        MODELS.play(ModelScript.parse("""
                {"cursor": "global", "onExhausted": "echo", "turns": [
                  {"text": "Counting.", "toolCalls": [{"name": "Bash",
                    "input": {"command": "echo once >> /workspace/count", "description": "count"}}]},
                  {"hang": true},
                  {"text": "Continuing after the crash."},
                  {"text": "Awake again."}
                ]}"""));
        ClaudeSession started = claudeSession("acp-crash", Map.of("prompt", "You count."), "Count once");
        String key = started.key();
        Map<String, Object> session = started.session();
        String id = (String) session.get("id");
        String sandbox = (String) session.get("sandboxId");

        Process first = brain("acp-first");
        Await.until(LONG, "the hanging upstream call after the command (logs in target/server-crash-acp-*.log)",
                () -> MODELS.requests().size() >= 2 && "once\n".equals(file(key, sandbox, "count")));
        // session/load resumes only what Claude Code has stored (it writes asynchronously)
        Await.until(LONG, "the agent's stored session", () -> exec(key, sandbox, "find /workspace/.opencomputer/agents "
                + "-name '*.jsonl' -size +0 | grep -q . && echo stored").contains("stored"));
        first.destroyForcibly().waitFor();

        brain("acp-second", "--opencomputer.brain.idle-hibernate-after=2s",
                "--opencomputer.brain.hibernate-check-interval=200ms");
        Await.until(LONG, "the continued turn", () -> agentTexts(key, id).stream()
                .anyMatch(t -> t.contains("Continuing after the crash.")));
        Await.until(LONG, "the idle session to hibernate", () -> types(key, id).contains("session.hibernated"));
        assertThat(status(key, id)).isEqualTo("hibernated");

        post(key, id, "Are you there?");
        Await.until(LONG, "the woken agent's answer", () -> agentTexts(key, id).stream()
                .anyMatch(t -> t.contains("Awake again.")));
        Await.value(LONG, "the session idle again", () -> status(key, id), "idle"::equals);

        assertThat(file(key, sandbox, "count")).as("the finished command ran once").isEqualTo("once\n");
        List<Map<String, Object>> events = events(key, id);
        List<String> types = events.stream().map(e -> (String) e.get("type")).toList();
        assertThat(types).containsSubsequence("runtime.ready", "runtime.prompted", "command.exited",
                "runtime.restarted", "runtime.ready", "runtime.prompted", "agent.message", "session.idle",
                "session.hibernated", "user.message", "run.started", "session.woke", "runtime.ready", "runtime.prompted",
                "agent.message", "session.idle");
        assertThat(types.stream().filter("command.run"::equals)).hasSize(1);
        List<Map<String, Object>> readies = events.stream().filter(e -> "runtime.ready".equals(e.get("type")))
                .map(e -> data(e)).toList();
        assertThat(readies).hasSize(3);
        assertThat(readies.subList(1, 3)).allSatisfy(r -> {
            assertThat(r.get("resumed")).as("session/load").isEqualTo(true);
            assertThat(r.get("agentSessionId")).isEqualTo(readies.getFirst().get("agentSessionId"));
        });
        List<RecordedRequest> upstream = MODELS.requests();
        assertThat(upstream.stream().filter(r -> r.lastUserText() != null
                && r.lastUserText().strip().endsWith("Count once"))).as("the answered prompt is never sent again")
                .hasSize(2); // the first call and the call after the command's result (same last user text)
        assertThat(upstream.stream().filter(r -> r.lastUserText() != null
                && r.lastUserText().contains("interrupted by a runtime restart"))).isNotEmpty();
        assertThat(upstream.getLast().body()).contains("Are you there?", "Continuing after the crash.");
        for (int i = 0; i < events.size(); i++) {
            assertThat(((Number) events.get(i).get("seq")).longValue()).as("gapless seq").isEqualTo(i + 1L);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> view = as(key).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((Map<String, Object>) view.get("agentInfo")).containsEntry("name", "@zed-industries/claude-agent-acp");
        assertThat((Map<String, Object>) view.get("capabilities")).containsEntry("loadSession", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theClaudeAgentsSessionStreamsItsFileItsCommandAndItsAnswerInOrderOverSse() throws Exception {
        MODELS.play(ModelScript.parse("""
                {"cursor": "per-conversation", "onExhausted": "echo", "turns": [
                  {"text": "I will file the ticket.", "toolCalls": [{"name": "Write",
                    "input": {"file_path": "/workspace/ticket.md", "content": "priority: high\\n"}}]},
                  {"text": "Checking it.", "toolCalls": [{"name": "Bash",
                    "input": {"command": "cat /workspace/ticket.md", "description": "show"}}]},
                  {"text": "Triaged: high priority."}
                ]}"""));
        ClaudeSession started = claudeSession("acp-sse", Map.of("prompt", "You triage inbound support tickets."),
                "Ticket 42: charged twice");
        String key = started.key();
        Map<String, Object> session = started.session();
        String id = (String) session.get("id");
        brain("acp-sse");

        // as a browser would: EventSource with the session's client token in the query
        try (SseConnection stream = SseConnection.open(url("/v1/sessions/" + id + "/stream?token="
                + session.get("clientToken")), Map.of())) {
            List<SseConnection.Frame> frames = stream.await(f -> f.stream()
                    .anyMatch(frame -> "session.idle".equals(frame.event())), LONG);
            List<String> stored = frames.stream().filter(SseConnection.Frame::isStored)
                    .map(SseConnection.Frame::event).toList();
            assertThat(stored).containsSubsequence("session.started", "user.message", "run.started", "runtime.ready",
                    "runtime.prompted", "tool.call", "file.write", "tool.result", "command.run", "command.exited",
                    "agent.message", "session.idle");
            assertThat(frames.stream().filter(frame -> "agent.delta".equals(frame.event()))).as("streamed text")
                    .isNotEmpty().allSatisfy(frame -> assertThat(frame.id()).isNull());
            assertThat(frames.stream().filter(SseConnection.Frame::isStored).map(SseConnection.Frame::seq).toList())
                    .as("gapless from 1").isEqualTo(java.util.stream.LongStream.rangeClosed(1, stored.size())
                            .boxed().toList());
            assertThat(frames.stream().filter(frame -> "command.exited".equals(frame.event())).findFirst()
                    .orElseThrow().data()).contains("priority: high");
        }
        assertThat(file(key, (String) session.get("sandboxId"), "ticket.md")).isEqualTo("priority: high\n");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPermissionTheAgentAsksForIsAnsweredThroughTheApiAndTheTurnGoesOn() throws Exception {
        MODELS.play(ModelScript.parse("""
                {"cursor": "global", "onExhausted": "echo", "turns": [
                  {"text": "Recording.", "toolCalls": [{"name": "Bash",
                    "input": {"command": "echo approved > /workspace/approved.txt", "description": "record"}}]},
                  {"text": "Recorded after your yes."}
                ]}"""));
        ClaudeSession started = claudeSession("acp-hitl",
                Map.of("permissions", Map.of("tools", Map.of("Bash", "ask"))), "Record the approval");
        String key = started.key();
        Map<String, Object> session = started.session();
        String id = (String) session.get("id");
        String sandbox = (String) session.get("sandboxId");
        brain("acp-hitl");

        Await.value(LONG, "the agent's request (logs in target/server-crash-acp-hitl.log)", () -> status(key, id),
                "waiting"::equals);
        Map<String, Object> view = as(key).get().uri("/v1/sessions/" + id).exchange().expectBody(Map.class)
                .returnResult().getResponseBody();
        List<Map<String, Object>> pending = (List<Map<String, Object>>) ((Map<String, Object>) view.get("pending"))
                .get("permissions");
        assertThat(pending).hasSize(1);
        assertThat(pending.getFirst()).containsEntry("tool", "Bash");
        assertThat((Map<String, Object>) pending.getFirst().get("input"))
                .containsEntry("command", "echo approved > /workspace/approved.txt");
        assertThat(file(key, sandbox, "approved.txt")).isNull();
        as(key).post().uri("/v1/sessions/" + id + "/permissions/" + pending.getFirst().get("requestId"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("decision", "allow")).exchange()
                .expectStatus().isCreated();

        Await.value(LONG, "the turn to go on and end", () -> status(key, id), "idle"::equals);
        assertThat(file(key, sandbox, "approved.txt")).isEqualTo("approved\n");
        List<String> types = types(key, id);
        assertThat(types).containsSubsequence("runtime.ready", "permission.requested", "permission.answered",
                "run.started", "command.exited", "agent.message", "session.idle");
        assertThat(types.stream().filter("runtime.ready"::equals)).as("the agent kept across the wait").hasSize(1);
        assertThat(agentTexts(key, id)).anySatisfy(t -> assertThat(t).contains("Recorded after your yes."));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }

    private List<String> agentTexts(String key, String id) {
        return events(key, id).stream().filter(e -> "agent.message".equals(e.get("type")))
                .map(e -> String.valueOf(data(e).get("content"))).toList();
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

    @SuppressWarnings("unchecked")
    private String exec(String key, String sandbox, String script) {
        Map<String, Object> result = as(key).post().uri("/v1/sandboxes/" + sandbox + "/exec")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("command", script)).exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        return result == null ? "" : String.valueOf(result.get("stdout"));
    }

    private String file(String key, String sandbox, String path) {
        var result = as(key).get().uri("/v1/sandboxes/" + sandbox + "/files?path=" + path).exchange()
                .expectBody(String.class).returnResult();
        return result.getStatus().is2xxSuccessful() ? result.getResponseBody() : null;
    }
}
