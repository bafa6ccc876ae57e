package dev.opencomputer.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.sandbox.ByteSize;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.OutputKind;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Commands spoken to over their stdin, and the per-sandbox socket directory, against the real engine. */
class AttachedExecIT {

    private static final TenantId TENANT = TenantId.next(Instant.now());

    private final Path sockets = Path.of(System.getProperty("java.io.tmpdir"),
            "oc-it-sockets-" + UUID.randomUUID().toString().substring(0, 8));
    private final SandboxConfig config = SandboxConfig.builder()
            .dockerHost(TestEngine.dockerHost())
            .instance("it-" + UUID.randomUUID().toString().substring(0, 8))
            .defaultImage(TestEngine.busyboxImage())
            .defaultMemory(ByteSize.ofMegabytes(256))
            .stopTimeout(Duration.ofSeconds(2))
            .imageMounts(List.of(new ImageMount(TestEngine.hostUsrImage(), "/usr", "/usr")))
            .socketDir(sockets.toString())
            .build();
    private final DockerSandboxDriver driver = new DockerSandboxDriver(config, Clock.systemUTC());

    @AfterEach
    void removeEverySandboxOfThisTest() {
        for (SandboxState s : driver.list()) {
            driver.remove(s.id());
        }
        driver.close();
    }

    @Test
    void aCommandReadsWhatIsWrittenToItsStdinLineByLineUntilItIsKilled() throws Exception {
        SandboxId id = driver.create(SandboxSpec.of(SandboxId.next(Instant.now()), TENANT)).id();
        PipedOutputStream toCommand = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(toCommand, 64 * 1024);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Execution cat = driver.exec(id, ExecRequest.of("cat"), stdin, (kind, bytes) -> {
            if (kind == OutputKind.STDOUT) {
                synchronized (out) {
                    out.writeBytes(bytes);
                }
            }
        });
        toCommand.write("first line\n".getBytes(StandardCharsets.UTF_8));
        toCommand.flush();
        Await.until(Duration.ofSeconds(20), "cat echoes the first line", () -> {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8).contains("first line\n");
            }
        });
        toCommand.write("second line\n".getBytes(StandardCharsets.UTF_8));
        toCommand.flush();
        Await.until(Duration.ofSeconds(20), "cat echoes the second line", () -> {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8).equals("first line\nsecond line\n");
            }
        });
        // the engines do not pass the end of stdin on: a process spoken to this way is ended by a kill
        cat.kill();
        ExecResult result = cat.await(Duration.ofSeconds(20)).orElseThrow();
        assertThat(result.stdout().text()).isEqualTo("first line\nsecond line\n");
        toCommand.close();
    }

    @Test
    void aSandboxReachesAUnixSocketServedInItsOwnSocketDirectoryWithoutANetwork() throws Exception {
        SandboxSpec spec = SandboxSpec.of(SandboxId.next(Instant.now()), TENANT).withImage(TestEngine.hostUsrImage());
        driver.create(spec);
        Path dir = config.socketDirOf(spec.id()).orElseThrow();
        assertThat(dir).isDirectory();
        Path socket = dir.resolve("echo.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            socket.toFile().setWritable(true, false);
            Thread.ofVirtual().start(() -> {
                try (SocketChannel client = server.accept()) {
                    client.write(ByteBuffer.wrap("hello from the host\n".getBytes(StandardCharsets.UTF_8)));
                } catch (Exception ignored) {
                    // the test fails on what the sandbox printed
                }
            });
            ExecResult read = driver.run(spec.id(), ExecRequest.of("python3", "-c",
                    "import socket; s=socket.socket(socket.AF_UNIX); s.connect('/run/opencomputer/echo.sock');"
                            + " print(s.recv(100).decode(), end='')"));
            assertThat(read.stderr().text()).isEmpty();
            assertThat(read.stdout().text()).isEqualTo("hello from the host\n");
            ExecResult net = driver.run(spec.id(), ExecRequest.shell("ls /sys/class/net"));
            assertThat(net.stdout().text().strip()).isEqualTo("lo");
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    @Test
    void knowsWhichImagesAreOnTheEngine() {
        assertThat(driver.hasImage(TestEngine.busyboxImage())).isTrue();
        assertThat(driver.hasImage("localhost/no-such-image-" + UUID.randomUUID() + ":latest")).isFalse();
    }
}
