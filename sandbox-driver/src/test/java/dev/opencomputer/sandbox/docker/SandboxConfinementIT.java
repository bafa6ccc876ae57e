package dev.opencomputer.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sandbox.ByteSize;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.Termination;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestEngine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What keeps one sandbox from hurting the machine or the others, against the real engine: the
 * workspace's disk quota, the unprivileged user, the read-only root with its bounded {@code /tmp},
 * the image allow-list, and killing leftovers that double-forked out of a command's process tree.
 */
class SandboxConfinementIT {

    private static final TenantId TENANT = TenantId.next(Instant.now());
    private static final TenantId OTHER_TENANT = TenantId.next(Instant.now());

    private final String instance = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path quotaDir = Path.of("target", "it-workspaces-" + instance).toAbsolutePath();
    private final SandboxConfig config = SandboxConfig.builder()
            .dockerHost(TestEngine.dockerHost())
            .instance(instance)
            .defaultImage(TestEngine.busyboxImage())
            .defaultMemory(ByteSize.ofMegabytes(256))
            .stopTimeout(Duration.ofSeconds(2))
            .imageMounts(List.of(new ImageMount(TestEngine.hostUsrImage(), "/usr", "/usr")))
            .diskQuotaDir(quotaDir.toString())
            .defaultDiskQuota(ByteSize.ofMegabytes(64))
            .maxDiskQuota(ByteSize.ofMegabytes(256))
            .build();
    private DockerSandboxDriver driver = new DockerSandboxDriver(config, Clock.systemUTC());

    @AfterEach
    void removeEverySandboxOfThisTest() {
        for (SandboxState s : driver.list()) {
            driver.remove(s.id());
        }
        driver.close();
    }

    private static SandboxSpec spec(TenantId tenant) {
        return SandboxSpec.of(SandboxId.next(Instant.now()), tenant);
    }

    private ExecResult sh(SandboxId id, String script) {
        return driver.run(id, ExecRequest.shell(script));
    }

    private String ok(SandboxId id, String script) {
        ExecResult result = sh(id, script);
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.exitCode()).as("exit of %s (stderr %s)", script, result.stderr().text()).isZero();
        return result.stdout().text();
    }

    private List<Path> images() throws IOException {
        if (!Files.isDirectory(quotaDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(quotaDir)) {
            return files.toList();
        }
    }

    @Test
    void aSandboxWritingPastItsQuotaGetsNoSpaceWhileAnotherTenantsSandboxStillWrites() throws IOException {
        SandboxId greedy = driver.create(spec(TENANT).withDiskQuota(ByteSize.ofMegabytes(32).toBytes())).id();
        SandboxId neighbour = driver.create(spec(OTHER_TENANT)).id();

        ExecResult flood = sh(greedy, "dd if=/dev/zero of=/workspace/flood bs=1M count=100");
        assertThat(flood.exitCode()).isNotZero();
        assertThat(flood.stderr().text()).contains("No space left on device");
        long written = Long.parseLong(ok(greedy, "wc -c < /workspace/flood").strip());
        assertThat(written).isLessThanOrEqualTo(ByteSize.ofMegabytes(32).toBytes()).isGreaterThan(16L << 20);
        // the workspace's file is sparse: the host carries what was written, not the quota
        assertThat(images()).hasSize(2);

        ok(neighbour, "dd if=/dev/zero of=/workspace/mine bs=1M count=40");
        assertThat(ok(neighbour, "wc -c < /workspace/mine").strip()).isEqualTo(Long.toString(40L << 20));
        assertThat(ok(neighbour, "df -k /workspace | tail -1")).doesNotContain("100%");

        driver.remove(greedy);
        driver.remove(neighbour);
        assertThat(images()).as("image files are removed with their workspaces").isEmpty();
    }

    @Test
    void theDiskWatchdogKillsACommandWhoseSandboxFilledItsWritableLayerPastTheQuotaAndNoOtherTenantsCommand() {
        // the workspace has its own quota here: the watchdog holds the writable layer (/tmp of the image) to it
        driver.close();
        driver = new DockerSandboxDriver(config.toBuilder().diskCheckInterval(Duration.ofMillis(300)).build(),
                Clock.systemUTC());
        SandboxId greedy = driver.create(spec(TENANT).withDiskQuota(ByteSize.ofMegabytes(32).toBytes())).id();
        SandboxId neighbour = driver.create(spec(OTHER_TENANT)).id();
        Execution calm = driver.exec(neighbour, ExecRequest.shell("dd if=/dev/zero of=/tmp/mine bs=1M count=20 "
                + "2>/dev/null; sleep 4; wc -c < /tmp/mine"), (kind, bytes) -> { });

        long started = System.nanoTime();
        ExecResult flood = sh(greedy, "dd if=/dev/zero of=/tmp/flood bs=1M count=64 2>/dev/null; sleep 60");

        assertThat(flood.termination()).isEqualTo(Termination.DISK_EXCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(flood.disk().limitBytes()).isEqualTo(ByteSize.ofMegabytes(32).toBytes());
        assertThat(flood.disk().usedBytes()).isGreaterThan(ByteSize.ofMegabytes(32).toBytes());
        ExecResult neighbours = calm.result().join();
        assertThat(neighbours.termination()).as("the other tenant's command").isEqualTo(Termination.EXITED);
        assertThat(neighbours.stdout().text().strip()).isEqualTo(Long.toString(20L << 20));
        // under the quota again, the sandbox runs commands as before
        assertThat(ok(greedy, "rm /tmp/flood && echo freed").strip()).isEqualTo("freed");
        assertThat(ok(greedy, "sleep 1; echo fine").strip()).isEqualTo("fine");
    }

    @Test
    void withoutAWorkspaceQuotaTheWatchdogMeasuresTheWorkspaceToo() {
        driver.close();
        driver = new DockerSandboxDriver(config.toBuilder().diskQuotaDir(null).readOnlyRoot(true)
                .defaultDiskQuota(ByteSize.ofMegabytes(24)).diskCheckInterval(Duration.ofMillis(300)).build(),
                Clock.systemUTC());
        SandboxId greedy = driver.create(spec(TENANT)).id();

        ExecResult flood = sh(greedy, "dd if=/dev/zero of=/workspace/flood bs=1M count=40 2>/dev/null; sleep 60");

        assertThat(flood.termination()).isEqualTo(Termination.DISK_EXCEEDED);
        assertThat(flood.disk().usedBytes()).isGreaterThanOrEqualTo(40L << 20);
        assertThat(flood.disk().limitBytes()).isEqualTo(24L << 20);
    }

    @Test
    void aQuotaAboveTheMaximumIsRefused() {
        assertThatThrownBy(() -> driver.create(spec(TENANT).withDiskQuota(ByteSize.ofGigabytes(1).toBytes())))
                .isInstanceOf(SandboxSpecRejectedException.class)
                .satisfies(e -> assertThat(((SandboxSpecRejectedException) e).field()).isEqualTo("disk"));
    }

    @Test
    void commandsRunAsAnUnprivilegedUserWhoOwnsTheWorkspaceAcrossARevive() {
        SandboxSpec spec = spec(TENANT);
        SandboxId id = driver.create(spec).id();
        assertThat(ok(id, "id -u; id -g").split("\\s+")).containsExactly("1000", "1000");
        assertThat(ok(id, "ls -A /workspace; stat -c %u:%g /workspace")).isEqualTo("1000:1000\n");
        assertThat(ok(id, "mkdir -p /workspace/a/b && echo hi > /workspace/a/b/f && stat -c %u /workspace/a/b/f").strip())
                .isEqualTo("1000");
        assertThat(sh(id, "echo x > /etc/passwd").exitCode()).isNotZero();
        driver.writeFile(id, WorkspacePath.parse("up/loaded.txt"), new ByteArrayInputStream("data".getBytes()), 4);
        assertThat(new String(driver.readFile(id, WorkspacePath.parse("up/loaded.txt")), StandardCharsets.UTF_8))
                .isEqualTo("data");
        assertThat(ok(id, "stat -c %u /workspace/up/loaded.txt").strip()).isEqualTo("1000");

        driver.stop(id);
        engineRemovesContainer(id);
        driver.revive(spec);
        assertThat(ok(id, "id -u; cat /workspace/a/b/f; echo more >> /workspace/a/b/f && echo ok")).contains("1000", "hi", "ok");
    }

    @Test
    void aWorkspaceWithoutAQuotaIsTheUnprivilegedUsersAndEmptyToo() {
        // given to the user from this host when the engine is local (no exec), by an exec otherwise
        driver.close();
        driver = new DockerSandboxDriver(config.toBuilder().diskQuotaDir(null).build(), Clock.systemUTC());
        SandboxId id = driver.create(spec(TENANT)).id();
        assertThat(ok(id, "ls -A /workspace; stat -c %u:%g /workspace; touch /workspace/f && echo ok"))
                .isEqualTo("1000:1000\nok\n");
    }

    private void engineRemovesContainer(SandboxId id) {
        try (var raw = com.github.dockerjava.core.DockerClientImpl.getInstance(
                com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder()
                        .withDockerHost(TestEngine.dockerHost()).build(),
                new com.github.dockerjava.httpclient5.ApacheDockerHttpClient.Builder()
                        .dockerHost(java.net.URI.create(TestEngine.dockerHost())).build())) {
            raw.removeContainerCmd(SandboxLabels.containerName(id)).withForce(true).exec();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aReadOnlyRootLeavesOnlyTheWorkspaceAndASizeLimitedTmpWritable() {
        driver.close();
        driver = new DockerSandboxDriver(config.toBuilder().readOnlyRoot(true).tmpSize(ByteSize.ofMegabytes(8)).build(),
                Clock.systemUTC());
        SandboxId id = driver.create(spec(TENANT)).id();
        ExecResult root = sh(id, "echo x > /x");
        assertThat(root.exitCode()).isNotZero();
        assertThat(root.stderr().text()).contains("Read-only file system");
        ok(id, "dd if=/dev/zero of=/tmp/small bs=1M count=4");
        ExecResult tmpFlood = sh(id, "dd if=/dev/zero of=/tmp/big bs=1M count=16");
        assertThat(tmpFlood.exitCode()).isNotZero();
        assertThat(tmpFlood.stderr().text()).contains("No space left on device");
        ok(id, "echo fine > /workspace/f && cat /workspace/f");
    }

    @Test
    void onlyAllowedImagesMayBeUsed() {
        driver.close();
        driver = new DockerSandboxDriver(config.toBuilder().allowedImages(List.of(TestEngine.hostUsrImage())).build(),
                Clock.systemUTC());
        assertThat(driver.create(spec(TENANT)).id()).isNotNull(); // the default image is always allowed
        assertThat(driver.create(spec(TENANT).withImage(TestEngine.hostUsrImage())).id()).isNotNull();
        assertThatThrownBy(() -> driver.create(spec(TENANT).withImage("localhost/someone-elses:latest")))
                .isInstanceOf(SandboxSpecRejectedException.class)
                .hasMessageContaining("localhost/someone-elses:latest")
                .satisfies(e -> assertThat(((SandboxSpecRejectedException) e).field()).isEqualTo("image"));
    }

    @Test
    void killEndsADoubleForkedSleeperThatClearedItsEnvironment() {
        SandboxId id = driver.create(spec(TENANT)).id();
        Execution execution = driver.exec(id, ExecRequest.shell(
                "env -i /bin/sh -c '(sleep 3; echo late > /workspace/late) & exit 0'; echo forked; sleep 3001"),
                (k, c) -> { });
        Await.until(Duration.ofSeconds(10), "the command runs", () -> ok(id, "ps -o args").contains("sleep 3001"));
        execution.kill();
        assertThat(execution.await().termination()).isEqualTo(Termination.KILLED);
        Await.until(Duration.ofSeconds(5), "the whole session is gone", () -> !ok(id, "ps -o args").contains("sleep 3"));
        sleepPast(Duration.ofSeconds(4));
        assertThat(sh(id, "cat /workspace/late").exitCode()).as("the sleeper never wrote").isNotZero();
        assertThat(ok(id, "ps -o args")).contains("sleep 86400"); // the sandbox's own process lives on
    }

    /** Waiting out the time at which a killed process would have acted; there is no event to await. */
    private static void sleepPast(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
