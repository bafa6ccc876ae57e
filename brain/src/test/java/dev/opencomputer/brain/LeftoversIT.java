package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.sandbox.ByteSize;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.docker.DockerSandboxDriver;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a crashed worker left running of a tool call is killed, double forks included, on the real engine. */
class LeftoversIT {

    private final DockerSandboxDriver driver = new DockerSandboxDriver(SandboxConfig.builder()
            .dockerHost(TestEngine.dockerHost())
            .instance("brain-it-" + UUID.randomUUID().toString().substring(0, 8))
            .defaultImage(TestEngine.busyboxImage())
            .defaultMemory(ByteSize.ofMegabytes(128))
            .stopTimeout(Duration.ofSeconds(2))
            .build(), Clock.systemUTC());
    private final TenantId tenant = TenantId.next(Instant.now());
    private final SandboxSpec spec = SandboxSpec.of(SandboxId.next(Instant.now()), tenant);

    @AfterEach
    void removeTheSandbox() {
        driver.remove(spec.id());
        driver.close();
    }

    private String sh(String script) {
        return driver.run(spec.id(), ExecRequest.shell(script)).stdout().text();
    }

    @Test
    void killingLeftoversEndsADoubleForkedSleeperThatClearedItsEnvironment() throws Exception {
        driver.create(spec);
        AgentSetup agent = new AgentSetup(AgentId.next(Instant.now()), 1, ModelProvider.ANTHROPIC, "test-model", null,
                "You are a test agent.", SecretName.parse("MODEL_KEY"), EnumSet.allOf(AgentTool.class),
                Duration.ofMinutes(10), 10);
        SandboxTools tools = new SandboxTools(driver, new SessionSetup(tenant, agent, spec, Map.of(), null, null),
                BrainProperties.defaults());
        // A tool call whose worker died: nobody waits for it or kills it.
        driver.exec(spec.id(), new ExecRequest(List.of("/bin/sh", "-c",
                "env -i /bin/sh -c '(sleep 3; echo late > /workspace/late) & exit 0'; sleep 4001"), null,
                Map.of(SandboxTools.TOOL_CALL_MARKER, "t1"), Duration.ofMinutes(5)), (kind, chunk) -> { });
        Await.until(Duration.ofSeconds(10), "the call runs", () -> sh("ps -o args").contains("sleep 4001"));

        tools.killLeftovers("t1");

        Await.until(Duration.ofSeconds(5), "the call and its sleeper are gone", () -> !sh("ps -o args").contains("sleep "
                + "3") && !sh("ps -o args").contains("sleep 4001"));
        Thread.sleep(4_000); // past the moment the sleeper would have written; there is nothing to await
        assertThat(sh("ls /workspace")).doesNotContain("late");
        assertThat(sh("ps -o args")).contains("sleep 86400"); // the sandbox's own process lives on
    }
}
