package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.docker.DockerSandboxDriver;
import dev.opencomputer.sdk.ApiException;
import dev.opencomputer.sdk.BadRequestException;
import dev.opencomputer.sdk.ConflictException;
import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.sandboxes.CreateSandboxRequest;
import dev.opencomputer.sdk.sandboxes.ExecEvent;
import dev.opencomputer.sdk.sandboxes.ExecRequest;
import dev.opencomputer.sdk.sandboxes.ExecResult;
import dev.opencomputer.sdk.sandboxes.Sandbox;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Java SDK against the real server and the real container engine: sandboxes end to end. */
class SdkSandboxesIT extends ApiITBase {

    private static final String INSTANCE = "sdk-it-" + UUID.randomUUID().toString().substring(0, 8);

    @DynamicPropertySource
    static void sandboxes(DynamicPropertyRegistry registry) {
        registry.add("opencomputer.sandbox.docker-host", TestEngine::dockerHost);
        registry.add("opencomputer.sandbox.instance", () -> INSTANCE);
        registry.add("opencomputer.sandbox.default-image", TestEngine::busyboxImage);
        registry.add("opencomputer.sandbox.default-memory", () -> "128MB");
        registry.add("opencomputer.sandbox.stop-timeout", () -> "2s");
    }

    @AfterAll
    static void removeEverythingOfThisRun() {
        try (var driver = new DockerSandboxDriver(SandboxConfig.builder().dockerHost(TestEngine.dockerHost())
                .instance(INSTANCE).build(), Clock.systemUTC())) {
            driver.list().forEach(s -> driver.remove(s.id()));
        }
    }

    private final List<OpenComputer> clients = new ArrayList<>();

    private OpenComputer client(String key) {
        var oc = OpenComputer.builder().apiKey(key).baseUrl("http://localhost:" + port).build();
        clients.add(oc);
        return oc;
    }

    private OpenComputer newTenantClient(String name) {
        return client(client(OPERATOR_KEY).tenants().create(CreateTenantRequest.builder().name(name).build())
                .apiKey().key());
    }

    @AfterEach
    void closeClients() {
        clients.forEach(OpenComputer::close);
    }

    @Test
    void createsRunsStopsStartsAndDeletesASandbox() {
        var oc = newTenantClient("sdk-sandboxes");
        Sandbox sandbox = oc.sandboxes().create(CreateSandboxRequest.builder().cpu(0.5).memory("64MB")
                .ttl(Duration.ofMinutes(10)).build());
        assertThat(sandbox.id()).startsWith("sbx_");
        assertThat(sandbox.isRunning()).isTrue();
        assertThat(sandbox.memory()).isEqualTo("64MB");
        assertThat(sandbox.network()).isEqualTo("none");
        assertThat(sandbox.expiresAt()).isBetween(Instant.now().plusSeconds(540), Instant.now().plusSeconds(660));
        assertThat(oc.sandboxes().get(sandbox.id()).status()).isEqualTo("running");
        assertThat(oc.sandboxes().list().stream().map(Sandbox::id)).containsExactly(sandbox.id());

        ExecResult result = oc.sandboxes().exec(sandbox.id(), "echo hello; echo oops >&2; pwd; exit 3");
        assertThat(result.status()).isEqualTo("exited");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("hello\n/workspace\n");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.succeeded()).isFalse();

        ExecResult argv = oc.sandboxes().exec(sandbox.id(), ExecRequest.argv("sh", "-c", "echo $GREETING; pwd")
                .withEnv(Map.of("GREETING", "hi there")).withCwd("/tmp").withTimeout(Duration.ofSeconds(30)));
        assertThat(argv.succeeded()).isTrue();
        assertThat(argv.stdout()).isEqualTo("hi there\n/tmp\n");

        assertThat(oc.sandboxes().exec(sandbox.id(), ExecRequest.shell("sleep 5").withTimeout(Duration.ofSeconds(1)))
                .status()).isEqualTo("timed_out");

        assertThat(oc.sandboxes().stop(sandbox.id()).status()).isEqualTo("stopped");
        assertThatThrownBy(() -> oc.sandboxes().exec(sandbox.id(), "true"))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.problem().is("sandbox-not-running")).isTrue());
        assertThat(oc.sandboxes().start(sandbox.id()).status()).isEqualTo("running");
        assertThat(oc.sandboxes().exec(sandbox.id(), "true").succeeded()).isTrue();

        var stranger = newTenantClient("sdk-sandboxes-stranger");
        assertThatThrownBy(() -> stranger.sandboxes().get(sandbox.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> stranger.sandboxes().delete(sandbox.id())).isInstanceOf(NotFoundException.class);

        oc.sandboxes().delete(sandbox.id());
        assertThatThrownBy(() -> oc.sandboxes().get(sandbox.id())).isInstanceOf(NotFoundException.class);
        assertThat(oc.sandboxes().list()).isEmpty();
    }

    @Test
    void aRetriedExecWithTheSameIdempotencyKeyRunsTheCommandOnce() {
        var oc = newTenantClient("sdk-sandboxes-idem");
        String id = oc.sandboxes().create().id();
        var options = RequestOptions.builder().idempotencyKey("append-once").build();
        var first = oc.sandboxes().exec(id, ExecRequest.shell("echo x >> counter; wc -l < counter"), options);
        var again = oc.sandboxes().exec(id, ExecRequest.shell("echo x >> counter; wc -l < counter"), options);

        assertThat(again).isEqualTo(first);
        assertThat(oc.sandboxes().readFileAsString(id, "counter")).isEqualTo("x\n");
    }

    @Test
    void filesGoInAndComeOutByteForByteAndStayInsideTheWorkspace() {
        var oc = newTenantClient("sdk-sandboxes-files");
        String id = oc.sandboxes().create().id();
        byte[] everyByte = new byte[256 * 40];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        oc.sandboxes().writeFile(id, "deep/er/data.bin", everyByte);
        assertThat(oc.sandboxes().readFile(id, "deep/er/data.bin")).isEqualTo(everyByte);
        assertThat(oc.sandboxes().readFile(id, "/workspace/deep/er/data.bin")).isEqualTo(everyByte);
        assertThat(oc.sandboxes().exec(id, "wc -c < deep/er/data.bin").stdout().strip()).isEqualTo("10240");

        oc.sandboxes().writeFile(id, "notes.txt", "grüße\n");
        oc.sandboxes().writeFile(id, "notes.txt", "replaced\n");
        assertThat(oc.sandboxes().readFileAsString(id, "notes.txt")).isEqualTo("replaced\n");

        assertThatThrownBy(() -> oc.sandboxes().readFile(id, "missing.txt")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> oc.sandboxes().readFile(id, "../etc/passwd"))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.problem().is("path-rejected")).isTrue());
        assertThatThrownBy(() -> oc.sandboxes().writeFile(id, "/etc/evil", "x"))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void aStreamedExecYieldsOutputAsItArrivesThenTheExit() {
        var oc = newTenantClient("sdk-sandboxes-stream");
        String id = oc.sandboxes().create().id();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var events = new ArrayList<ExecEvent>();
        try (var stream = oc.sandboxes().execStream(id,
                ExecRequest.shell("for i in 1 2 3; do echo line$i; sleep 0.1; done; echo oops >&2; exit 4"))) {
            for (ExecEvent event : stream) {
                events.add(event);
                switch (event) {
                    case ExecEvent.Stdout out -> stdout.append(out.text());
                    case ExecEvent.Stderr err -> stderr.append(err.text());
                    case ExecEvent.Exited exited -> { }
                    case ExecEvent.Other other -> { }
                }
            }
        }
        assertThat(stdout).hasToString("line1\nline2\nline3\n");
        assertThat(stderr).hasToString("oops\n");
        assertThat(events.stream().filter(ExecEvent.Stdout.class::isInstance)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.getLast()).isInstanceOfSatisfying(ExecEvent.Exited.class, exit -> {
            assertThat(exit.status()).isEqualTo("exited");
            assertThat(exit.exitCode()).isEqualTo(4);
            assertThat(exit.stdoutBytes()).isEqualTo(18);
        });
    }

    @Test
    void closingAStreamedExecKillsTheCommand() throws Exception {
        var oc = newTenantClient("sdk-sandboxes-kill");
        String id = oc.sandboxes().create().id();
        try (var stream = oc.sandboxes().execStream(id, ExecRequest.shell("echo started; exec sleep 321"))) {
            var first = CompletableFuture.supplyAsync(() -> stream.iterator().next()).get(30, TimeUnit.SECONDS);
            assertThat(first).isEqualTo(new ExecEvent.Stdout("started\n"));
        }
        String processes = Await.value(Duration.ofSeconds(30), "the command is killed with its stream",
                () -> oc.sandboxes().exec(id, "ps -o args").stdout(), p -> !p.contains("sleep 321"));
        assertThat(processes).doesNotContain("sleep 321");
    }
}
