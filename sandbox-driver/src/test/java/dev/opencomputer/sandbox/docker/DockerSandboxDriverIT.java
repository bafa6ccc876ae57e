package dev.opencomputer.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.sandbox.AttachedExecution;
import dev.opencomputer.sandbox.ByteSize;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.NetworkAccess;
import dev.opencomputer.sandbox.OutputKind;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.SandboxFileNotFoundException;
import dev.opencomputer.sandbox.SandboxLimits;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxNotRunningException;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.sandbox.Termination;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.sandbox.WorkspacePathRejectedException;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every driver operation against the real Docker Engine API that {@code bin/test} provides. */
class DockerSandboxDriverIT {

    private static final TenantId TENANT = TenantId.next(Instant.now());
    private static DockerClient engine;

    private final String instance = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final SandboxConfig config = SandboxConfig.builder()
            .dockerHost(TestEngine.dockerHost())
            .instance(instance)
            .defaultImage(TestEngine.busyboxImage())
            .defaultMemory(ByteSize.ofMegabytes(256))
            .stopTimeout(Duration.ofSeconds(2))
            .imageMounts(List.of(new ImageMount(TestEngine.hostUsrImage(), "/usr", "/usr")))
            .build();
    private final DockerSandboxDriver driver = new DockerSandboxDriver(config, Clock.systemUTC());

    @BeforeAll
    static void connect() {
        var clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(TestEngine.dockerHost()).build();
        engine = DockerClientImpl.getInstance(clientConfig, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(TestEngine.dockerHost())).build());
    }

    @AfterAll
    static void disconnect() throws Exception {
        engine.close();
    }

    @AfterEach
    void removeEverySandboxOfThisTest() {
        for (SandboxState s : driver.list()) {
            driver.remove(s.id());
        }
        driver.close();
    }

    private SandboxSpec spec() {
        return SandboxSpec.of(SandboxId.next(Instant.now()), TENANT);
    }

    private SandboxId running() {
        return driver.create(spec()).id();
    }

    private String sh(SandboxId id, String script) {
        ExecResult result = driver.run(id, ExecRequest.shell(script));
        assertThat(result.termination()).as("termination of: %s (stderr %s)", script, result.stderr().text())
                .isEqualTo(Termination.EXITED);
        return result.stdout().text();
    }

    // ------------------------------------------------------------------ create / inspect / list

    @Test
    void createsAHardenedSandboxWithLimitsLabelsAndAWorkspaceVolume() {
        SandboxSpec spec = spec().withLimits(new SandboxLimits(0.5, ByteSize.ofMegabytes(128).toBytes(), 64))
                .withLabels(Map.of("dev.opencomputer.session", "ses_0123456789abcdef01234567"));
        driver.create(spec);

        InspectContainerResponse c = engine.inspectContainerCmd(SandboxLabels.containerName(spec.id())).exec();
        assertThat(c.getHostConfig().getNetworkMode()).isEqualTo("none");
        assertThat(c.getHostConfig().getInit()).isTrue();
        assertThat(c.getHostConfig().getPrivileged()).isFalse();
        assertThat(c.getHostConfig().getSecurityOpts()).anyMatch(o -> o.startsWith("no-new-privileges"));
        assertThat(c.getHostConfig().getMemory()).isEqualTo(128L * 1024 * 1024);
        assertThat(c.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(c.getHostConfig().getPidsLimit()).isEqualTo(64L);
        assertThat(c.getConfig().getLabels())
                .containsEntry("dev.opencomputer.tenant", TENANT.value())
                .containsEntry("dev.opencomputer.sandbox", spec.id().value())
                .containsEntry("dev.opencomputer.instance", instance)
                .containsEntry("dev.opencomputer.session", "ses_0123456789abcdef01234567");
        assertThat(c.getMounts()).anyMatch(m -> "/workspace".equals(m.getDestination().getPath())
                && SandboxLabels.workspaceName(spec.id()).equals(m.getName()));

        // Seen from inside: no capabilities, no network but loopback, no engine socket, init as pid 1.
        assertThat(sh(spec.id(), "grep CapEff /proc/self/status")).contains("0000000000000000");
        assertThat(sh(spec.id(), "ls /sys/class/net").strip()).isEqualTo("lo");
        assertThat(sh(spec.id(), "ls /var/run/docker.sock /run/podman 2>&1; echo; pwd")).contains("No such file")
                .contains("/workspace");
        assertThat(sh(spec.id(), "cat /proc/1/cmdline | tr '\\0' ' '")).containsAnyOf("init", "tini", "catatonit");
        assertThat(sh(spec.id(), "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max").strip())
                .isEqualTo("64");

        SandboxState state = driver.inspect(spec.id());
        assertThat(state.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(state.tenant()).isEqualTo(TENANT);
        assertThat(state.image()).isEqualTo(TestEngine.busyboxImage());
        assertThat(state.limits()).isEqualTo(spec.limits());
        assertThat(state.network()).isEqualTo(NetworkAccess.NONE);
        assertThat(state.labels()).containsEntry("dev.opencomputer.session", "ses_0123456789abcdef01234567");
    }

    @Test
    void refusesLimitsBeyondTheMaxima() {
        assertThatThrownBy(() -> driver.create(spec().withLimits(new SandboxLimits(64, 1L << 30, 64))))
                .isInstanceOf(SandboxSpecRejectedException.class).hasMessageContaining("cpu");
        assertThatThrownBy(() -> driver.create(spec().withLimits(new SandboxLimits(1, 1L << 40, 64))))
                .isInstanceOf(SandboxSpecRejectedException.class).hasMessageContaining("memory");
        assertThat(driver.list()).isEmpty();
    }

    @Test
    void aSandboxHasNoNetworkInterfaceButLoopback() {
        SandboxId sandbox = driver.create(spec()).id();
        assertThat(sh(sandbox, "ls /sys/class/net").strip()).isEqualTo("lo");
        assertThat(driver.inspect(sandbox).network()).isEqualTo(NetworkAccess.NONE);
    }

    @Test
    void aMissingImageIsReportedAndLeavesNothingBehind() {
        assertThatThrownBy(() -> driver.create(spec().withImage("localhost/opencomputer-no-such-image:latest")))
                .isInstanceOf(dev.opencomputer.sandbox.SandboxImageNotFoundException.class);
        assertThat(driver.list()).isEmpty();
    }

    @Test
    void listFindsThisInstancesSandboxesAndOnlyThose() {
        SandboxId a = running();
        SandboxId b = running();
        driver.stop(b);
        try (DockerSandboxDriver other = new DockerSandboxDriver(config.toBuilder().instance(instance + "-other").build(),
                Clock.systemUTC())) {
            assertThat(other.list()).isEmpty();
        }
        assertThat(driver.list()).extracting(SandboxState::id, SandboxState::status, SandboxState::tenant)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(a, SandboxStatus.RUNNING, TENANT),
                        org.assertj.core.groups.Tuple.tuple(b, SandboxStatus.STOPPED, TENANT));
    }

    @Test
    void removeDeletesTheContainerAndItsWorkspaceAndIsIdempotent() {
        SandboxId id = running();
        driver.remove(id);
        assertThatThrownBy(() -> driver.inspect(id)).isInstanceOf(SandboxNotFoundException.class);
        assertThatThrownBy(() -> engine.inspectVolumeCmd(SandboxLabels.workspaceName(id)).exec())
                .isInstanceOf(NotFoundException.class);
        driver.remove(id);
        assertThatThrownBy(() -> driver.start(id)).isInstanceOf(SandboxNotFoundException.class);
    }

    // ------------------------------------------------------------------ exec

    @Test
    void runsACommandWithCwdAndEnvAndReportsOutputAndExitCode() {
        SandboxId id = running();
        sh(id, "mkdir -p /workspace/sub");
        ExecResult result = driver.run(id, ExecRequest.shell("pwd; echo \"$GREETING\"; echo oops >&2; exit 3")
                .withCwd("sub").withEnv(Map.of("GREETING", "hello world")));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.stdout().text()).isEqualTo("/workspace/sub\nhello world\n");
        assertThat(result.stderr().text()).isEqualTo("oops\n");
        assertThat(driver.run(id, ExecRequest.of("true")).succeeded()).isTrue();
    }

    @Test
    void anAttachedCommandReadsWhatIsWrittenToItsInputAndEndsOnlyWhenKilled() throws Exception {
        SandboxId id = running();
        List<String> out = new CopyOnWriteArrayList<>();
        AttachedExecution cat = driver.attach(id, ExecRequest.of("cat"), (kind, chunk) -> {
            if (kind == OutputKind.STDOUT) {
                out.add(new String(chunk, StandardCharsets.UTF_8));
            }
        });
        cat.stdin().write("one\n".getBytes(StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> {
            try {
                cat.stdin().write("two\n".getBytes(StandardCharsets.UTF_8)); // from another, short-lived thread
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).join();
        Await.until(Duration.ofSeconds(10), "both lines echoed", () -> String.join("", out).equals("one\ntwo\n"));
        assertThat(cat.await(Duration.ofMillis(300))).as("still running").isEmpty();
        cat.kill();
        assertThat(cat.await(Duration.ofSeconds(15))).get().extracting(ExecResult::termination)
                .isEqualTo(Termination.KILLED);
        assertThat(sh(id, "ps -o comm | grep -c '^cat$' || true").strip())
                .isEqualTo("0");
    }

    @Test
    void streamsOutputWhileTheCommandIsStillRunning() {
        SandboxId id = running();
        List<String> chunks = new CopyOnWriteArrayList<>();
        Execution execution = driver.exec(id, ExecRequest.shell("echo first; sleep 30; echo second"),
                (kind, chunk) -> chunks.add(kind + ":" + new String(chunk, StandardCharsets.UTF_8)));
        Await.until(Duration.ofSeconds(10), "the first chunk is streamed", () -> chunks.contains("STDOUT:first\n"));
        assertThat(execution.result()).isNotDone();
        execution.kill();
        ExecResult result = execution.await();
        assertThat(result.termination()).isEqualTo(Termination.KILLED);
        assertThat(result.stdout().text()).isEqualTo("first\n");
    }

    @Test
    void aHungCommandIsKilledWithItsWholeProcessTreeByTheTimeout() {
        SandboxId id = running();
        long start = System.nanoTime();
        ExecResult result = driver.run(id, ExecRequest.shell(
                "sleep 1001 & (setsid sleep 1002 &); (trap '' TERM; exec sleep 1003) & sleep 1004")
                .withTimeout(Duration.ofSeconds(1)));
        assertThat(result.termination()).isEqualTo(Termination.TIMED_OUT);
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        Await.until(Duration.ofSeconds(5), "the killed command is gone",
                () -> !sh(id, "ps -o args").contains("sleep 100"));
    }

    @Test
    void killEndsTheCommandAndProcessesThatLeftTheSessionOrClearedTheirEnvironment() {
        SandboxId id = running();
        Execution execution = driver.exec(id, ExecRequest.shell(
                "(setsid sleep 2001 &); env -i /bin/sh -c 'sleep 2002' & echo ready; sleep 2003"), (k, c) -> { });
        Await.until(Duration.ofSeconds(10), "the command runs", () -> sh(id, "ps -o args").contains("sleep 2003"));
        execution.kill();
        assertThat(execution.await().termination()).isEqualTo(Termination.KILLED);
        Await.until(Duration.ofSeconds(5), "the whole process tree is gone",
                () -> !sh(id, "ps -o args").contains("sleep 200"));
    }

    @Test
    void floodingOutputIsStreamedWithoutGrowingTheHeap() {
        SandboxId id = running();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong received = new AtomicLong();
        AtomicLong peakAfterGc = new AtomicLong();
        AtomicLong nextCheck = new AtomicLong(10_000_000);
        ExecResult result = driver.exec(id, ExecRequest.shell("head -c 100000000 /dev/zero; echo done >&2"),
                (kind, chunk) -> {
                    if (kind == OutputKind.STDOUT && received.addAndGet(chunk.length) >= nextCheck.get()) {
                        nextCheck.addAndGet(10_000_000);
                        System.gc();
                        peakAfterGc.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    }
                }).await();
        assertThat(result.succeeded()).isTrue();
        assertThat(received.get()).isEqualTo(100_000_000L);
        assertThat(result.stdout().totalBytes()).isEqualTo(100_000_000L);
        assertThat(result.stdout().tail()).hasSize((int) config.outputTail().toBytes());
        assertThat(result.stdout().truncated()).isTrue();
        assertThat(result.stderr().text()).isEqualTo("done\n");
        System.out.printf("heap after GC while streaming 100 MB: baseline %d KB, peak %d KB%n", baseline >> 10,
                peakAfterGc.get() >> 10);
        assertThat(peakAfterGc.get() - baseline).as("heap growth while 100 MB streamed").isLessThan(24L << 20);
    }

    @Test
    void anOutOfMemoryCommandShowsAsKilledWhileTheSandboxLivesOn() {
        SandboxId id = driver.create(spec().withLimits(new SandboxLimits(1, ByteSize.ofMegabytes(64).toBytes(), 64))).id();
        ExecResult result = driver.run(id, ExecRequest.shell("dd if=/dev/zero of=/dev/null bs=256M count=1"));
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.killedBySignal()).isTrue();
        assertThat(driver.inspect(id).running()).isTrue();
    }

    @Test
    void execInAStoppedSandboxIsRefused() {
        SandboxId id = running();
        driver.stop(id);
        assertThatThrownBy(() -> driver.run(id, ExecRequest.of("true"))).isInstanceOf(SandboxNotRunningException.class);
        assertThatThrownBy(() -> driver.run(SandboxId.next(Instant.now()), ExecRequest.of("true")))
                .isInstanceOf(SandboxNotFoundException.class);
    }

    // ------------------------------------------------------------------ stop / start / crashes

    @Test
    void stopAndStartKeepTheWorkspace() {
        SandboxId id = running();
        driver.writeFile(id, WorkspacePath.parse("notes/todo.txt"), "keep me".getBytes(StandardCharsets.UTF_8));
        driver.stop(id);
        SandboxState stopped = driver.inspect(id);
        assertThat(stopped.status()).isEqualTo(SandboxStatus.STOPPED);
        assertThat(stopped.killed()).isFalse();
        driver.stop(id);
        driver.start(id);
        driver.start(id);
        assertThat(driver.inspect(id).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(new String(driver.readFile(id, WorkspacePath.parse("notes/todo.txt")), StandardCharsets.UTF_8))
                .isEqualTo("keep me");
    }

    @Test
    void aKilledContainerIsDetectedOnTheRunningCommandAndRevivedOnTheSameWorkspace() {
        SandboxSpec spec = spec();
        driver.create(spec);
        driver.writeFile(spec.id(), WorkspacePath.parse("state.txt"), "before the crash".getBytes(StandardCharsets.UTF_8));
        Execution execution = driver.exec(spec.id(), ExecRequest.shell("echo working; sleep 600"), (k, c) -> { });
        Await.until(Duration.ofSeconds(10), "the command runs",
                () -> sh(spec.id(), "ps -o args").contains("sleep 600"));

        engine.killContainerCmd(SandboxLabels.containerName(spec.id())).withSignal("KILL").exec();

        ExecResult result = execution.await(Duration.ofSeconds(20)).orElseThrow();
        assertThat(result.termination()).isEqualTo(Termination.SANDBOX_DIED);
        SandboxState dead = driver.inspect(spec.id());
        assertThat(dead.status()).isEqualTo(SandboxStatus.DIED);
        assertThat(dead.exitCode()).isEqualTo(137);
        assertThat(dead.killed()).isTrue();

        assertThat(driver.revive(spec).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(sh(spec.id(), "cat /workspace/state.txt")).isEqualTo("before the crash");
    }

    @Test
    void aVanishedContainerLeavesItsWorkspaceAndIsRecreatedOnIt() {
        SandboxSpec spec = spec();
        driver.create(spec);
        sh(spec.id(), "echo survived > /workspace/file");
        engine.removeContainerCmd(SandboxLabels.containerName(spec.id())).withForce(true).exec();

        SandboxState absent = driver.inspect(spec.id());
        assertThat(absent.status()).isEqualTo(SandboxStatus.ABSENT);
        assertThat(absent.tenant()).isEqualTo(TENANT);
        assertThat(driver.list()).extracting(SandboxState::id, SandboxState::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(spec.id(), SandboxStatus.ABSENT));

        // A failed attempt to bring it back (missing image) must not take the workspace with it.
        assertThatThrownBy(() -> driver.create(spec.withImage("localhost/opencomputer-no-such-image:latest")))
                .isInstanceOf(dev.opencomputer.sandbox.SandboxImageNotFoundException.class);
        assertThat(driver.inspect(spec.id()).status()).isEqualTo(SandboxStatus.ABSENT);

        assertThat(driver.revive(spec).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(sh(spec.id(), "cat /workspace/file")).isEqualTo("survived\n");
    }

    @Test
    void aWorkspaceOfAnotherTenantIsNeverReused() {
        SandboxSpec spec = spec();
        driver.create(spec);
        engine.removeContainerCmd(SandboxLabels.containerName(spec.id())).withForce(true).exec();
        SandboxSpec intruder = SandboxSpec.of(spec.id(), TenantId.next(Instant.now()));
        assertThatThrownBy(() -> driver.create(intruder))
                .isInstanceOf(dev.opencomputer.sandbox.SandboxAlreadyExistsException.class);
    }

    // ------------------------------------------------------------------ files

    @Test
    void writesAndReadsFilesOfAnyContentInsideTheWorkspace() {
        SandboxId id = running();
        byte[] binary = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(binary);
        driver.writeFile(id, WorkspacePath.parse("deep/er/data.bin"), binary);
        assertThat(driver.readFile(id, WorkspacePath.parse("/workspace/deep/er/data.bin"))).isEqualTo(binary);
        assertThat(sh(id, "wc -c < /workspace/deep/er/data.bin").strip()).isEqualTo(String.valueOf(binary.length));

        driver.writeFile(id, WorkspacePath.parse("deep/er/data.bin"), "short".getBytes(StandardCharsets.UTF_8));
        assertThat(driver.readFile(id, WorkspacePath.parse("deep/er/data.bin"))).asString().isEqualTo("short");
        driver.writeFile(id, WorkspacePath.parse("empty"), new byte[0]);
        assertThat(driver.readFile(id, WorkspacePath.parse("empty"))).isEmpty();
        String longName = "n".repeat(150) + ".txt";
        driver.writeFile(id, WorkspacePath.parse("with space/" + longName), "x".getBytes(StandardCharsets.UTF_8));
        assertThat(sh(id, "cat '/workspace/with space/" + longName + "'")).isEqualTo("x");

        assertThatThrownBy(() -> driver.readFile(id, WorkspacePath.parse("missing.txt")))
                .isInstanceOf(SandboxFileNotFoundException.class);
        assertThatThrownBy(() -> driver.readFile(id, WorkspacePath.parse("deep")))
                .isInstanceOf(SandboxFileNotFoundException.class);
    }

    @Test
    void pathsThatEscapeTheWorkspaceThroughSymbolicLinksAreRejected() {
        SandboxId id = running();
        sh(id, "cd /workspace && ln -s /etc etc-link && ln -s /etc/passwd pw && ln -s ../.. up "
                + "&& mkdir inner && echo ok > inner/f && ln -s inner/f good && ln -s /nonexistent dangling");

        assertThatThrownBy(() -> driver.readFile(id, WorkspacePath.parse("etc-link/passwd")))
                .isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> driver.readFile(id, WorkspacePath.parse("pw")))
                .isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> driver.readFile(id, WorkspacePath.parse("up/etc/passwd")))
                .isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> driver.writeFile(id, WorkspacePath.parse("etc-link/evil/x"), new byte[] {1}))
                .isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> driver.writeFile(id, WorkspacePath.parse("pw"), new byte[] {1}))
                .isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> driver.writeFile(id, WorkspacePath.parse("dangling"), new byte[] {1}))
                .isInstanceOf(WorkspacePathRejectedException.class);
        assertThat(sh(id, "ls /etc/evil 2>&1; head -c 5 /etc/passwd")).contains("No such file").contains("root:");

        assertThat(driver.readFile(id, WorkspacePath.parse("good"))).asString().isEqualTo("ok\n");
        driver.writeFile(id, WorkspacePath.parse("good"), "changed".getBytes(StandardCharsets.UTF_8));
        assertThat(sh(id, "cat /workspace/inner/f")).isEqualTo("changed");
    }

    // ------------------------------------------------------------------ images, secrets, engine

    @Test
    void operatorMountsGiveTheHostUsrImageItsToolsReadOnly() {
        SandboxId id = driver.create(spec().withImage(TestEngine.hostUsrImage())).id();
        ExecResult result = driver.run(id, ExecRequest.of("bash", "-c",
                "echo $BASH_VERSION | cut -c1; python3 -c 'print(6*7)'; git --version | cut -c1-3; touch /usr/x"));
        assertThat(result.stdout().text()).startsWith("5\n42\ngit");
        assertThat(result.stderr().text()).contains("Read-only file system");
        assertThat(engine.inspectContainerCmd(SandboxLabels.containerName(id)).exec().getHostConfig().getBinds())
                .extracting(b -> b.getPath() + ":" + b.getVolume().getPath() + ":" + b.getAccessMode())
                .contains("/usr:/usr:ro")
                .allMatch(b -> b.equals("/usr:/usr:ro") || b.startsWith(SandboxLabels.workspaceName(id) + ":"));
    }

    @Test
    void theSandboxSeesNoValueFromTheServersEnvironment() {
        SandboxSpec spec = spec().withEnv(Map.of("USER_VISIBLE", "fine"));
        driver.create(spec);
        // Whatever the server process holds (database URLs, keys) must not show up anywhere in the sandbox.
        List<String> serverValues = new ArrayList<>();
        System.getenv().forEach((k, v) -> {
            if (v.length() >= 8 && !List.of("PATH", "HOME", "PWD", "OLDPWD", "SHELL", "TERM", "JAVA_HOME", "HOSTNAME",
                    "USER", "LOGNAME", "LANG", "SHLVL", "_").contains(k) && !v.equals(TestEngine.busyboxImage())) {
                serverValues.add(v);
            }
        });
        serverValues.add(TestEngine.dockerHost());
        String env = sh(spec.id(), "cat /proc/1/environ | tr '\\0' '\\n'; echo; env");
        String inspect = engine.inspectContainerCmd(SandboxLabels.containerName(spec.id())).exec().toString();
        StringBuilder grep = new StringBuilder("grep -rlsF");
        serverValues.forEach(v -> grep.append(" -e '").append(v.replace("'", "'\\''")).append("'"));
        grep.append(" /bin /etc /root /tmp /workspace /run 2>/dev/null; true");
        String files = sh(spec.id(), grep.toString());
        assertThat(env).contains("USER_VISIBLE=fine");
        for (String value : serverValues) {
            assertThat(env).doesNotContain(value);
            assertThat(inspect).doesNotContain(value);
        }
        assertThat(files).isBlank();
    }

    @Test
    void anUnreachableEngineRaisesEngineUnavailable() {
        for (String host : List.of("unix:///tmp/oc-no-such-engine.sock", "tcp://127.0.0.1:1")) {
            try (DockerSandboxDriver offline = new DockerSandboxDriver(config.toBuilder().dockerHost(host).build(),
                    Clock.systemUTC())) {
                assertThatThrownBy(offline::ping).isInstanceOf(SandboxEngineUnavailableException.class);
                assertThatThrownBy(() -> offline.create(spec())).isInstanceOf(SandboxEngineUnavailableException.class);
                assertThatThrownBy(offline::list).isInstanceOf(SandboxEngineUnavailableException.class);
                assertThatThrownBy(() -> offline.run(SandboxId.next(Instant.now()), ExecRequest.of("true")))
                        .isInstanceOf(SandboxEngineUnavailableException.class);
            }
        }
    }
}
