package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * {@code kill -9} of a separate server process running a session — once while it waits for the
 * model, once while a command runs — and a fresh process resuming it: nothing that completed is
 * done again (the model server's request log, side-effect counters in the workspace), the
 * interrupted command is answered as interrupted, each resumption is a {@code runtime.restarted},
 * and the log has no gap. This JVM serves the API only (no brain); the brain runs in the child
 * processes: the built jar ({@code target/opencomputer.jar}) or, without it, this test classpath.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ServerCrashIT extends SessionApiITBase {

    static final Duration LEASE = Duration.ofSeconds(3);
    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final List<Process> CHILDREN = new ArrayList<>();

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::url);
        registry.add("opencomputer.roles", () -> "api");
        registry.add("opencomputer.sandbox.default-image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.default-memory", () -> "256MB");
        registry.add("opencomputer.sandbox.image-mounts[0].image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.image-mounts[0].source", () -> "/usr");
        registry.add("opencomputer.sandbox.image-mounts[0].target", () -> "/usr");
    }

    @AfterAll
    static void stopEverything() {
        CHILDREN.forEach(Process::destroyForcibly);
        MODELS.close();
    }

    /** Starts a brain-only server process on the shared database, model server and engine. */
    static Process startServer(String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1"));
        File jar = new File("target/opencomputer.jar");
        if (jar.isFile()) {
            command.addAll(List.of("-jar", jar.getPath()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    "dev.opencomputer.server.OpenComputerApplication"));
        }
        command.addAll(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + DATABASE.url(),
                "--opencomputer.roles=brain",
                "--opencomputer.brain.worker-id=" + name,
                "--opencomputer.brain.anthropic-base-url=" + MODELS.anthropicBaseUrl(),
                "--opencomputer.brain.lease-duration=" + LEASE.toMillis() + "ms",
                "--opencomputer.brain.heartbeat-interval=1s",
                "--opencomputer.brain.claim-interval=200ms",
                "--opencomputer.sandbox.docker-host=" + TestEngine.dockerHost(),
                "--opencomputer.sandbox.instance=" + SANDBOX_INSTANCE,
                "--opencomputer.sandbox.image-mounts[0].image=" + TestEngine.hostUsrImage(),
                "--opencomputer.sandbox.image-mounts[0].source=/usr",
                "--opencomputer.sandbox.image-mounts[0].target=/usr"));
        Path log = Path.of("target", "server-crash-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("OPENCOMPUTER_SECRETS_MASTER_KEY", MASTER_KEY);
        Process process = builder.start();
        CHILDREN.add(process);
        return process;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aKilledServerIsResumedByANewProcessWithoutRepeatingAnythingThatCompleted() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("First step.").withToolCall("bash",
                        "{\"command\":\"echo done >> /workspace/first-count; echo first\"}"),
                ScriptedTurn.hanging(),
                ScriptedTurn.text("Second step.").withToolCall("bash",
                        "{\"command\":\"echo started >> /workspace/second-count; sleep 600\"}"),
                ScriptedTurn.text("Recovered.")));
        TestTenant tenant = newTenant("crash");
        putSecret(tenant, "model-key", "sk-test-crash");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5", "provider", "anthropic",
                        "credential", "model-key")).exchange().expectStatus().isCreated();
        Map<String, Object> session = as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "survive crashes")).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) session.get("id");
        String sandbox = (String) session.get("sandboxId");

        // 1. killed while the model answers (the second request hangs)
        Process first = startServer("first");
        MODELS.awaitRequests(2, Duration.ofSeconds(120));
        first.destroyForcibly().waitFor();
        Instant firstKill = Instant.now();

        // 2. a new process resumes; killed while its command sleeps (after the command's side effect)
        Process second = startServer("second");
        Await.until(Duration.ofSeconds(120), "the second process ran the command (server logs in target/server-crash-*.log)",
                () -> file(tenant.key(), sandbox, "second-count") != null);
        second.destroyForcibly().waitFor();
        Instant secondKill = Instant.now();

        // 3. another new process resumes and finishes
        startServer("third");
        Await.until(Duration.ofSeconds(120), "the third process finished the run (server logs in target/server-crash-*.log)",
                () -> "idle".equals(status(tenant.key(), id)));

        List<Map<String, Object>> events = events(tenant.key(), id);
        List<Object> seqs = events.stream().map(e -> e.get("seq")).toList();
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(((Number) seqs.get(i)).longValue()).as("gapless seq").isEqualTo(i + 1L);
        }
        List<String> types = events.stream().map(e -> (String) e.get("type")).toList();
        assertThat(types.stream().filter("runtime.restarted"::equals)).hasSize(2);
        assertThat(types.stream().filter("agent.message"::equals)).hasSize(3);
        assertThat(types.stream().filter("command.run"::equals)).hasSize(2);
        assertThat(types.getLast()).isEqualTo("session.idle");
        assertThat(events).anyMatch(e -> "tool.result".equals(e.get("type"))
                && String.valueOf(e.get("data")).contains("interrupted by a runtime restart; outcome unknown"));

        // the model log: the stored first response was never requested again; the hung call was
        List<RecordedRequest> requests = MODELS.requests().stream()
                .filter(r -> !r.userTexts().isEmpty() && r.userTexts().getFirst().equals("survive crashes")).toList();
        assertThat(requests).hasSize(4);
        assertThat(requests.get(2).assistantMessageCount()).isEqualTo(1);
        assertThat(requests.get(2).lastToolResult()).contains("first");
        assertThat(requests.get(3).assistantMessageCount()).isEqualTo(2);
        assertThat(requests.get(3).lastToolResult()).contains("interrupted by a runtime restart");
        // the workspace: each command ran exactly once
        assertThat(file(tenant.key(), sandbox, "first-count")).isEqualTo("done\n");
        assertThat(file(tenant.key(), sandbox, "second-count")).isEqualTo("started\n");

        List<Instant> restarts = events.stream().filter(e -> "runtime.restarted".equals(e.get("type")))
                .map(e -> Instant.parse((String) e.get("time"))).toList();
        System.out.printf("crash-to-resume: %d ms and %d ms after kill -9 (lease %d ms, plus a process start)%n",
                Duration.between(firstKill, restarts.get(0)).toMillis(),
                Duration.between(secondKill, restarts.get(1)).toMillis(), LEASE.toMillis());
    }

    private String file(String key, String sandbox, String path) {
        var result = as(key).get().uri("/v1/sandboxes/" + sandbox + "/files?path=" + path).exchange()
                .expectBody(String.class).returnResult();
        return result.getStatus().is2xxSuccessful() ? result.getResponseBody() : null;
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
