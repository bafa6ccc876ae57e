package dev.opencomputer.server.sandboxes;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.docker.DockerSandboxDriver;
import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestEngine;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** The sandbox API end to end: real PostgreSQL, real container engine. */
class SandboxesIT extends ApiITBase {

    @org.springframework.beans.factory.annotation.Autowired
    Sandboxes sandboxes;
    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private static final String BASE = "https://opencomputer.dev/problems/";
    private static final String INSTANCE = "api-it-" + UUID.randomUUID().toString().substring(0, 8);
    private static DockerClient engine;

    @DynamicPropertySource
    static void sandboxes(DynamicPropertyRegistry registry) {
        registry.add("opencomputer.sandbox.docker-host", TestEngine::dockerHost);
        registry.add("opencomputer.sandbox.instance", () -> INSTANCE);
        registry.add("opencomputer.sandbox.default-image", TestEngine::busyboxImage);
        registry.add("opencomputer.sandbox.default-memory", () -> "128MB");
        registry.add("opencomputer.sandbox.stop-timeout", () -> "2s");
        registry.add("opencomputer.sandbox.reap-interval", () -> "500ms");
        registry.add("opencomputer.sandbox.image-mounts[0].image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.image-mounts[0].source", () -> "/usr");
        registry.add("opencomputer.sandbox.image-mounts[0].target", () -> "/usr");
        registry.add("opencomputer.api.tiers.small.max-live-sandboxes", () -> "2");
        registry.add("opencomputer.api.tiers.small.max-running-sessions", () -> "1");
        registry.add("opencomputer.api.tiers.small.disk-quota", () -> "32MB");
        registry.add("opencomputer.api.tiers.standard.disk-quota", () -> "128MB");
        registry.add("opencomputer.sandbox.disk-quota-dir", () -> java.nio.file.Path.of("target",
                "it-workspaces-" + INSTANCE).toAbsolutePath().toString());
        registry.add("opencomputer.sandbox.allowed-images[0]", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.allowed-images[1]", () -> "localhost/opencomputer-no-such-image:latest");
    }

    @BeforeAll
    static void connect() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestEngine.dockerHost()).build();
        engine = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(TestEngine.dockerHost())).build());
    }

    @AfterAll
    static void removeEverythingOfThisRun() throws Exception {
        try (var driver = new DockerSandboxDriver(SandboxConfig.builder().dockerHost(TestEngine.dockerHost())
                .instance(INSTANCE).build(), Clock.systemUTC())) {
            driver.list().forEach(s -> driver.remove(s.id()));
        }
        engine.close();
    }

    private WebTestClient client(String key) {
        return as(key).mutate().responseTimeout(Duration.ofSeconds(60))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> createSandbox(String key, Map<String, Object> body) {
        return client(key).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> exec(String key, String id, Map<String, Object> body) {
        return client(key).post().uri("/v1/sandboxes/" + id + "/exec").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    private String sh(String key, String id, String command) {
        Map<String, Object> result = exec(key, id, Map.of("command", command));
        assertThat(result).containsEntry("status", "exited");
        return (String) result.get("stdout");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> get(String key, String id) {
        return client(key).get().uri("/v1/sandboxes/" + id).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    // ------------------------------------------------------------------ life cycle

    @Test
    void createsInspectsListsRunsAndDeletesASandbox() {
        var tenant = newTenant("sbx-basics");
        Instant before = Instant.now();
        Map<String, Object> created = createSandbox(tenant.key(), Map.of("cpu", 0.5, "memory", "64MB", "ttl", "10m"));
        String id = (String) created.get("id");
        assertThat(id).matches("sbx_[0-9a-f]{24}");
        assertThat(created).containsEntry("status", "running").containsEntry("image", TestEngine.busyboxImage())
                .containsEntry("cpu", 0.5).containsEntry("memory", "64MB").containsEntry("network", "none")
                .doesNotContainKey("exitCode");
        assertThat(Instant.parse((String) created.get("expiresAt")))
                .isBetween(before.plus(Duration.ofMinutes(10)), Instant.now().plus(Duration.ofMinutes(10)));

        assertThat(get(tenant.key(), id)).containsEntry("status", "running");
        client(tenant.key()).get().uri("/v1/sandboxes").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(id);

        Map<String, Object> result = exec(tenant.key(), id, Map.of("command", "pwd; echo $GREETING; echo oops >&2; exit 2",
                "env", Map.of("GREETING", "hi"), "timeout", 30));
        assertThat(result).containsEntry("status", "exited").containsEntry("exitCode", 2)
                .containsEntry("stdout", "/workspace\nhi\n").containsEntry("stderr", "oops\n")
                .containsEntry("stdoutTruncated", false);
        assertThat(exec(tenant.key(), id, Map.of("command", List.of("echo", "argv", "works"), "cwd", "/tmp")))
                .containsEntry("stdout", "argv works\n").containsEntry("exitCode", 0);

        client(tenant.key()).delete().uri("/v1/sandboxes/" + id).exchange().expectStatus().isNoContent();
        client(tenant.key()).get().uri("/v1/sandboxes/" + id).exchange().expectStatus().isNotFound();
        client(tenant.key()).get().uri("/v1/sandboxes").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
        assertThat(containerExists(id)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.inspectVolumeCmd("oc-" + id + "-workspace").exec())
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void listsArePaginatedWithACursor() {
        var tenant = newTenant("sbx-pages");
        String first = (String) createSandbox(tenant.key(), Map.of()).get("id");
        String second = (String) createSandbox(tenant.key(), Map.of()).get("id");
        var page = client(tenant.key()).get().uri("/v1/sandboxes?limit=1").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((List<Map<String, Object>>) page.get("data"))).extracting(m -> m.get("id")).containsExactly(second);
        client(tenant.key()).get().uri("/v1/sandboxes?limit=1&cursor=" + page.get("nextCursor")).exchange()
                .expectBody().jsonPath("$.data[0].id").isEqualTo(first).jsonPath("$.nextCursor").doesNotExist();
    }

    @Test
    void anIdempotencyKeyCreatesOneSandboxForRepeatedPosts() {
        var tenant = newTenant("sbx-idem");
        Function<String, String> post = key -> (String) client(tenant.key()).post().uri("/v1/sandboxes")
                .header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("cpu", 1))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        assertThat(post.apply("create-once")).isEqualTo(post.apply("create-once"));
        client(tenant.key()).get().uri("/v1/sandboxes").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(1);
    }

    @Test
    void stopKeepsTheWorkspaceAndStartBringsItBack() {
        var tenant = newTenant("sbx-stop");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        sh(tenant.key(), id, "echo kept > /workspace/note");

        client(tenant.key()).post().uri("/v1/sandboxes/" + id + "/stop").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("stopped");
        assertThat(engine.inspectContainerCmd("oc-" + id).exec().getState().getRunning()).isFalse();
        assertThat(get(tenant.key(), id)).containsEntry("status", "stopped");
        client(tenant.key()).post().uri("/v1/sandboxes/" + id + "/exec").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("command", "true")).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "sandbox-not-running");
        // The streamed variant fails before the stream starts: a plain problem, not an event stream.
        client(tenant.key()).post().uri("/v1/sandboxes/" + id + "/exec").accept(MediaType.TEXT_EVENT_STREAM)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("command", "true")).exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "sandbox-not-running");

        client(tenant.key()).post().uri("/v1/sandboxes/" + id + "/start").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("running");
        assertThat(sh(tenant.key(), id, "cat /workspace/note")).isEqualTo("kept\n");
    }

    @Test
    void aKilledSandboxIsReportedAsDiedAndStartRevivesItOnItsWorkspace() {
        var tenant = newTenant("sbx-crash");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        sh(tenant.key(), id, "echo survived > /workspace/file");
        engine.killContainerCmd("oc-" + id).withSignal("KILL").exec();

        assertThat(get(tenant.key(), id)).containsEntry("status", "died").containsEntry("exitCode", 137);
        client(tenant.key()).post().uri("/v1/sandboxes/" + id + "/start").exchange().expectStatus().isOk();
        assertThat(sh(tenant.key(), id, "cat /workspace/file")).isEqualTo("survived\n");

        // Even a container removed behind our back comes back on the same workspace.
        engine.removeContainerCmd("oc-" + id).withForce(true).exec();
        assertThat(get(tenant.key(), id)).containsEntry("status", "died");
        client(tenant.key()).post().uri("/v1/sandboxes/" + id + "/start").exchange().expectStatus().isOk();
        assertThat(sh(tenant.key(), id, "cat /workspace/file")).isEqualTo("survived\n");
    }

    // ------------------------------------------------------------------ exec

    @Test
    void execStreamsStdoutAndStderrAsServerSentEventsThenAnExitEvent() {
        var tenant = newTenant("sbx-sse");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        List<ServerSentEvent<Map<String, Object>>> events = client(tenant.key()).post()
                .uri("/v1/sandboxes/" + id + "/exec").accept(MediaType.TEXT_EVENT_STREAM)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("command", "echo one; sleep 0.3; printf 'two\\r\\n' >&2; sleep 0.3; echo three; exit 3"))
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { })
                .getResponseBody().collectList().block(Duration.ofSeconds(30));
        List<String> seen = new ArrayList<>();
        for (var event : events) {
            if (event.event() != null) {
                seen.add(event.event() + ":" + (event.data().containsKey("text") ? event.data().get("text") : event.data().get("exitCode")));
            }
        }
        assertThat(seen).containsExactly("stdout:one\n", "stderr:two\r\n", "stdout:three\n", "exit:3");
        assertThat(events.getLast().data()).containsEntry("status", "exited").containsEntry("stdoutBytes", 10)
                .doesNotContainKey("stdout");
    }

    @Test
    void aFloodOfOutputStreamsThroughCompletely() {
        var tenant = newTenant("sbx-sse-flood");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        long[] text = new long[1];
        Map<String, Object> exit = client(tenant.key()).post().uri("/v1/sandboxes/" + id + "/exec")
                .accept(MediaType.TEXT_EVENT_STREAM).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("command", "head -c 5000000 /dev/zero | tr '\\0' x"))
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { })
                .getResponseBody()
                .doOnNext(e -> {
                    if ("stdout".equals(e.event())) {
                        text[0] += ((String) e.data().get("text")).length();
                    }
                })
                .filter(e -> "exit".equals(e.event())).blockLast(Duration.ofSeconds(60)).data();
        assertThat(exit).containsEntry("status", "exited").containsEntry("stdoutBytes", 5_000_000);
        assertThat(text[0]).isEqualTo(5_000_000L);
    }

    @Test
    void theFirstOutputArrivesBeforeTheCommandEndsAndLeavingTheStreamKillsTheCommand() {
        var tenant = newTenant("sbx-sse-cancel");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        Flux<ServerSentEvent<Map<String, Object>>> stream = client(tenant.key()).post()
                .uri("/v1/sandboxes/" + id + "/exec").accept(MediaType.TEXT_EVENT_STREAM)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("command", "echo started; exec sleep 3001"))
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { })
                .getResponseBody();
        var first = stream.filter(e -> e.event() != null).next().block(Duration.ofSeconds(10));
        assertThat(first.event()).isEqualTo("stdout");
        assertThat(first.data()).containsEntry("text", "started\n");
        Await.until(Duration.ofSeconds(15), "the killed command is gone",
                () -> !sh(tenant.key(), id, "ps -o args").contains("sleep 3001"));
    }

    @Test
    void aHungCommandIsKilledByItsTimeout() {
        var tenant = newTenant("sbx-timeout");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        Map<String, Object> result = exec(tenant.key(), id, Map.of("command", "echo waiting; sleep 600", "timeout", "1s"));
        assertThat(result).containsEntry("status", "timed_out").containsEntry("exitCode", 137)
                .containsEntry("stdout", "waiting\n");
        assertThat(sh(tenant.key(), id, "ps -o args")).doesNotContain("sleep 600");
    }

    @Test
    void floodingOutputKeepsOnlyTheTailInTheJsonResult() {
        var tenant = newTenant("sbx-flood");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        Map<String, Object> result = exec(tenant.key(), id, Map.of("command", "head -c 20000000 /dev/zero | tr '\\0' x"));
        assertThat(result).containsEntry("stdoutTruncated", true).containsEntry("stdoutBytes", 20_000_000);
        assertThat((String) result.get("stdout")).hasSize(64 * 1024).matches("x+");
    }

    // ------------------------------------------------------------------ files

    @Test
    void filesGoInAndOutAsRawBytesConfinedToTheWorkspace() {
        var tenant = newTenant("sbx-files");
        String id = (String) createSandbox(tenant.key(), Map.of()).get("id");
        byte[] content = new byte[5 * 1024 * 1024 + 3];
        new Random(7).nextBytes(content);
        client(tenant.key()).put().uri("/v1/sandboxes/" + id + "/files?path=data/blob.bin")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(content).exchange()
                .expectStatus().isNoContent();
        byte[] back = client(tenant.key()).get().uri("/v1/sandboxes/" + id + "/files?path=/workspace/data/blob.bin")
                .exchange().expectStatus().isOk().expectHeader().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .expectHeader().contentLength(content.length)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(back).isEqualTo(content);

        // A chunked upload (no Content-Length) works too.
        Flux<DataBuffer> chunks = Flux.just("hello ", "chunked ", "world").map(s ->
                DefaultDataBufferFactory.sharedInstance.wrap(s.getBytes(StandardCharsets.UTF_8)));
        client(tenant.key()).put().uri("/v1/sandboxes/" + id + "/files?path=chunked.txt")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(chunks, DataBuffer.class).exchange()
                .expectStatus().isNoContent();
        assertThat(sh(tenant.key(), id, "cat /workspace/chunked.txt")).isEqualTo("hello chunked world");

        sh(tenant.key(), id, "ln -s /etc /workspace/etc-link");
        for (String path : List.of("../etc/passwd", "/etc/passwd", "etc-link/passwd", "a/../../x", "/workspace/../etc/passwd")) {
            client(tenant.key()).get().uri("/v1/sandboxes/" + id + "/files?path=" + path).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.type").isEqualTo(BASE + "path-rejected");
            client(tenant.key()).put().uri("/v1/sandboxes/" + id + "/files?path=" + path)
                    .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(new byte[] {1}).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.type").isEqualTo(BASE + "path-rejected");
        }
        client(tenant.key()).get().uri("/v1/sandboxes/" + id + "/files?path=missing.txt").exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.type").isEqualTo(BASE + "not-found");
    }

    // ------------------------------------------------------------------ limits and reaping

    @Test
    void aTenantAtItsSandboxLimitGetsA429WithRetryAfter() {
        var small = newTenantOfTier("sbx-small", "small");
        createSandbox(small.key(), Map.of());
        createSandbox(small.key(), Map.of());
        client(small.key()).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "limit-exceeded")
                .jsonPath("$.limit").isEqualTo("maxLiveSandboxes").jsonPath("$.max").isEqualTo(2);
        // Another tenant is not affected.
        createSandbox(newTenant("sbx-other").key(), Map.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTiersDiskQuotaStopsAFloodingWorkspaceWhileAnotherTenantStillWrites() {
        var small = newTenantOfTier("sbx-disk-small", "small");
        String greedy = (String) createSandbox(small.key(), Map.of()).get("id");
        var other = newTenant("sbx-disk-other");
        String neighbour = (String) createSandbox(other.key(), Map.of()).get("id");

        Map<String, Object> flood = exec(small.key(), greedy,
                Map.of("command", "dd if=/dev/zero of=/workspace/flood bs=1M count=64"));
        assertThat(flood).containsEntry("status", "exited");
        assertThat((Integer) flood.get("exitCode")).isNotZero();
        assertThat((String) flood.get("stderr")).contains("No space left on device");
        assertThat(Long.parseLong(sh(small.key(), greedy, "wc -c < /workspace/flood").strip()))
                .isLessThanOrEqualTo(32L << 20);

        Map<String, Object> fine = exec(other.key(), neighbour,
                Map.of("command", "dd if=/dev/zero of=/workspace/mine bs=1M count=48 && echo ok"));
        assertThat(fine).containsEntry("exitCode", 0).containsEntry("stdout", "ok\n");
    }

    @Test
    void anImageOutsideTheOperatorsAllowListIsRefusedWith422() {
        var tenant = newTenant("sbx-images");
        client(tenant.key()).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("image", "localhost/someone-elses:latest"))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "validation-failed")
                .jsonPath("$.errors[0].field").isEqualTo("image")
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m)
                        .contains("localhost/someone-elses:latest", "not among the images"));
        client(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "elsewhere", "model", "claude",
                        "sandbox", Map.of("image", "localhost/someone-elses:latest")))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "validation-failed")
                .jsonPath("$.errors[0].field").isEqualTo("sandbox.image");
        createSandbox(tenant.key(), Map.of("image", TestEngine.hostUsrImage()));
        client(tenant.key()).get().uri("/v1/sandboxes").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(1);
    }

    @Test
    void invalidRequestsAreRejectedWithEveryBadField() {
        var tenant = newTenant("sbx-invalid");
        client(tenant.key()).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("cpu", 99, "memory", "lots", "ttl", "forever", "network", "egress"))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "validation-failed")
                .jsonPath("$.errors[*].field").value(fields -> assertThat((List<String>) fields)
                        .containsExactlyInAnyOrder("cpu", "memory", "ttl", "network"));
        client(tenant.key()).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("image", "localhost/opencomputer-no-such-image:latest"))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("image");
        client(tenant.key()).get().uri("/v1/sandboxes").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
    }

    @Test
    void anExpiredSandboxIsReapedWithItsContainer() {
        var tenant = newTenant("sbx-ttl");
        String id = (String) createSandbox(tenant.key(), Map.of("ttl", 1)).get("id");
        Await.until(Duration.ofSeconds(20), "the expired sandbox is gone from the API",
                () -> client(tenant.key()).get().uri("/v1/sandboxes/" + id).exchange()
                .returnResult(byte[].class).getStatus().value() == 404);
        Await.until(Duration.ofSeconds(10), "its container is removed", () -> !containerExists(id));
    }

    @Test
    void anOrphanedApiSandboxOfOurTenantIsReapedButForeignOnesAreLeftAlone() {
        var tenant = newTenant("sbx-orphan");
        SandboxId orphan = SandboxId.next(Instant.now());
        SandboxId foreign = SandboxId.next(Instant.now());
        try (var driver = new DockerSandboxDriver(SandboxConfig.builder().dockerHost(TestEngine.dockerHost())
                .instance(INSTANCE).defaultImage(TestEngine.busyboxImage()).build(), Clock.systemUTC())) {
            driver.create(SandboxSpec.of(foreign, TenantId.next(Instant.now()))
                    .withLabels(Map.of(Sandboxes.ORIGIN_LABEL, Sandboxes.ORIGIN_API)));
            try {
                driver.create(SandboxSpec.of(orphan, TenantId.parse(tenant.id()))
                        .withLabels(Map.of(Sandboxes.ORIGIN_LABEL, Sandboxes.ORIGIN_API)));
            } catch (SandboxEngineException | SandboxNotFoundException e) {
                // the reaper may remove the orphan while the engine is still starting it: that is what it is for
            }
            Await.until(Duration.ofSeconds(15), "the orphan is reaped", () -> !containerExists(orphan.value()));
            assertThat(driver.run(foreign, ExecRequest.of("true")).succeeded()).isTrue();
            driver.remove(foreign);
        }
    }

    @Test
    void aSessionsSandboxWhoseSessionWasNeverRecordedIsReapedButOneInUseAndTheTenantsOwnAreKept() throws Exception {
        var tenant = newTenant("sbx-stray");
        TenantId tenantId = TenantId.parse(tenant.id());
        // a start that failed half-way with the database gone: its sandbox exists, no session refers to it
        String stray = sandboxes.createForSession(tenantId, null).id();
        String recorded = sandboxes.createForSession(tenantId, null).id();
        jdbc.sql("""
                insert into session_setups (session_id, tenant_id, sandbox_id, sandbox_owned, created_at)
                values (?, ?, ?, true, now())""").params("ses_01a23c000000000000000005", tenant.id(), recorded)
                .update();
        String own = (String) createSandbox(tenant.key(), Map.of()).get("id");

        Await.until(Duration.ofSeconds(15), "the stray sandbox is reaped", () -> !containerExists(stray));
        assertThat(jdbc.sql("select status from sandboxes where id = ?").param(stray).query(String.class).single())
                .isEqualTo("deleted");
        Thread.sleep(1500); // three more reaping passes, each past the grace of the other two
        assertThat(sh(tenant.key(), own, "echo kept")).isEqualTo("kept\n");
        assertThat(containerExists(recorded)).as("the recorded session's sandbox").isTrue();
        jdbc.sql("delete from session_setups where session_id = ?").param("ses_01a23c000000000000000005").update();
        Await.until(Duration.ofSeconds(15), "unrecorded again, it is reaped too", () -> !containerExists(recorded));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRetryAfterTheCreatorDiedAnswersWithTheSandboxItMadeAndMakesNoOther() {
        var tenant = newTenant("sbx-recover");
        String key = "sandbox-died-after-commit";
        Map<String, Object> first = client(tenant.key()).post().uri("/v1/sandboxes")
                .header(dev.opencomputer.server.http.Idempotency.HEADER, key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();
        // what a kill -9 after the effect leaves: a claim without a response, refreshed too long ago
        int rows = jdbc.sql("update idempotency_keys set status = null, body = null, created_at = ? "
                        + "where scope = ? and key = ?")
                .params(java.sql.Timestamp.from(Instant.now().minus(dev.opencomputer.server.http.Idempotency
                        .CLAIM_ABANDONED).minusSeconds(1)), tenant.id(), key).update();
        assertThat(rows).isEqualTo(1);

        Map<String, Object> retried = client(tenant.key()).post().uri("/v1/sandboxes")
                .header(dev.opencomputer.server.http.Idempotency.HEADER, key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();

        assertThat(retried.get("id")).as("the sandbox the dead request made").isEqualTo(first.get("id"));
        List<Map<String, Object>> listed = (List<Map<String, Object>>) client(tenant.key()).get().uri("/v1/sandboxes")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("data");
        assertThat(listed).extracting(m -> m.get("id")).containsExactly(first.get("id"));
    }

    // ------------------------------------------------------------------ tenancy and secrets

    record Call(HttpMethod method, Function<String, String> uri, Object body, MediaType type) {
    }

    @Test
    void everySandboxEndpointAnswersAnotherTenantsIdExactlyLikeAMissingOne() {
        var owner = newTenant("sbx-owner");
        var intruder = newTenant("sbx-intruder");
        String id = (String) createSandbox(owner.key(), Map.of()).get("id");
        String missing = "sbx_0000000000000000deadbeef";
        List<Call> calls = List.of(
                new Call(HttpMethod.GET, i -> "/v1/sandboxes/" + i, null, null),
                new Call(HttpMethod.DELETE, i -> "/v1/sandboxes/" + i, null, null),
                new Call(HttpMethod.POST, i -> "/v1/sandboxes/" + i + "/stop", null, null),
                new Call(HttpMethod.POST, i -> "/v1/sandboxes/" + i + "/start", null, null),
                new Call(HttpMethod.POST, i -> "/v1/sandboxes/" + i + "/exec", Map.of("command", "touch /workspace/x"),
                        MediaType.APPLICATION_JSON),
                new Call(HttpMethod.PUT, i -> "/v1/sandboxes/" + i + "/files?path=x", new byte[] {1},
                        MediaType.APPLICATION_OCTET_STREAM),
                new Call(HttpMethod.GET, i -> "/v1/sandboxes/" + i + "/files?path=x", null, null));
        for (Call call : calls) {
            EntityExchangeResult<byte[]> foreign = send(intruder.key(), call, id);
            EntityExchangeResult<byte[]> absent = send(intruder.key(), call, missing);
            assertThat(foreign.getStatus().value()).as(call.method() + " " + call.uri().apply(id)).isEqualTo(404);
            assertThat(new String(foreign.getResponseBody())).isEqualTo(new String(absent.getResponseBody()).replace(missing, id));
        }
        client(intruder.key()).get().uri("/v1/sandboxes").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
        assertThat(get(owner.key(), id)).containsEntry("status", "running");
        assertThat(sh(owner.key(), id, "ls /workspace")).isEmpty();
    }

    private EntityExchangeResult<byte[]> send(String key, Call call, String id) {
        var spec = client(key).method(call.method()).uri(call.uri().apply(id));
        if (call.body() != null) {
            return spec.contentType(call.type()).bodyValue(call.body()).exchange().expectBody().returnResult();
        }
        return spec.exchange().expectBody().returnResult();
    }

    @Test
    void noServerSecretReachesTheSandboxItsFilesOrItsEngineInspect() {
        var tenant = newTenant("sbx-secrets");
        String id = (String) createSandbox(tenant.key(), Map.of("image", TestEngine.hostUsrImage())).get("id");
        List<String> secrets = List.of(OPERATOR_KEY, tenant.key(), dev.opencomputer.testing.TestDatabase.adminUrl());
        String env = sh(tenant.key(), id, "env; tr '\\0' '\\n' < /proc/1/environ");
        String inspect = engine.inspectContainerCmd("oc-" + id).exec().toString()
                + engine.inspectVolumeCmd("oc-" + id + "-workspace").exec().toString();
        StringBuilder grep = new StringBuilder("grep -rlsF");
        secrets.forEach(s -> grep.append(" -e '").append(s).append("'"));
        grep.append(" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=dev; true");
        String files = sh(tenant.key(), id, grep.toString());
        for (String secret : secrets) {
            assertThat(env).doesNotContain(secret);
            assertThat(inspect).doesNotContain(secret);
        }
        assertThat(files).isBlank();
    }

    // ------------------------------------------------------------------ helpers

    @SuppressWarnings("unchecked")
    private TestTenant newTenantOfTier(String name, String tier) {
        Map<String, Object> created = operator().post().uri("/v1/tenants").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name, "tier", tier)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return new TestTenant((String) ((Map<String, Object>) created.get("tenant")).get("id"),
                (String) ((Map<String, Object>) created.get("apiKey")).get("key"));
    }

    private static boolean containerExists(String id) {
        try {
            engine.inspectContainerCmd("oc-" + id).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            // Podman: 500 "no such container" while the container is being removed.
            if (String.valueOf(e.getMessage()).contains("no such container")) {
                return false;
            }
            throw e;
        }
    }
}
