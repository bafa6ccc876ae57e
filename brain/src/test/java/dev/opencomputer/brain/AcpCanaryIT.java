package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.testing.TestEngine;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The canary: while the real Claude agent works in a sandbox, the tenant's real model key is nowhere
 * the sandbox or the log can see — environment, files, processes, the engine's view of the container,
 * events — and the agent's gateway token is worthless for another model and after the run.
 */
class AcpCanaryIT {

    private final Testbed bed = new Testbed(ModelScript.parse("""
            {"cursor": "global", "turns": [{"hang": true}]}"""));
    private final AcpGateway acpGateway = AcpGateway.on(bed, ModelServer::anthropicBaseUrl, Duration.ofSeconds(3));
    private final GatewayTokens tokens = acpGateway.tokens();
    private final ModelGateway gateway = acpGateway.gateway();
    private final AcpRuntimes acp = acpGateway.acp();

    @AfterEach
    void close() {
        bed.models.releaseHangs();
        bed.close();
        gateway.close();
    }

    @Test
    void theRealKeyIsNowhereInTheSandboxNorTheLogAndTheTokenIsWorthlessForAnotherModelAndAfterTheRun()
            throws Exception {
        bed.worker(bed.properties().build(), acp);
        SandboxSpec sandbox = SandboxSpec.of(SandboxId.next(Instant.now()), bed.tenant).withImage(TestEngine.acpImage());
        bed.sandboxes.create(sandbox);
        AgentSetup agent = new AgentSetup(AgentId.next(Instant.now()), 1, ModelProvider.ANTHROPIC, "claude-sonnet-4-6",
                null, "You are a test agent.", Testbed.CREDENTIAL, EnumSet.allOf(AgentTool.class),
                Duration.ofMinutes(10), 50, "claude-agent-sdk", false);
        SessionId id = bed.start("Hold on", new SessionSetup(bed.tenant, agent, sandbox, Map.of(), null, null));
        bed.models.awaitRequests(1, Testbed.PATIENCE);
        String key = bed.modelKey;
        SandboxId box = sandbox.id();

        String token = bed.sh(box, "cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' "
                + "| sed -n 's/^ANTHROPIC_AUTH_TOKEN=//p' | head -1").strip();
        assertThat(token).startsWith(GatewayTokens.PREFIX).isNotEqualTo(key);
        // read out whole, checked here: a command naming the key would itself put it into /proc
        String processes = bed.sh(box, "cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n'; "
                + "ps -eo args");
        assertThat(processes).contains("claude-agent-acp", "ANTHROPIC_AUTH_TOKEN=" + token).doesNotContain(key);
        int half = key.length() / 2;
        assertThat(bed.sh(box, "grep -r -l -F \"$(printf %s '" + key.substring(0, half) + "')$(printf %s '"
                + key.substring(half) + "')\" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr "
                + "--exclude-dir=dev 2>/dev/null | wc -l").strip()).isEqualTo("0");
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestEngine.dockerHost())
                .build();
        try (var engine = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(TestEngine.dockerHost())).build())) {
            var inspected = engine.inspectContainerCmd("oc-" + box.value()).exec();
            assertThat(inspected.toString()).doesNotContain(key);
            assertThat(inspected.getHostConfig().getNetworkMode()).isEqualTo("none");
        }
        // the agent's only way out is the gateway, and the token allows only the agent's model
        assertThat(bed.sh(box, "curl -s -m 5 -o /dev/null -w '%{http_code}' https://api.anthropic.com/v1/messages "
                + "|| echo unreachable")).contains("unreachable");
        assertThat(bed.sh(box, "curl -s -m 10 -o /dev/null -w '%{http_code}' http://127.0.0.1:4480/v1/messages "
                + "-H 'x-api-key: " + token + "' -H 'content-type: application/json' "
                + "-d '{\"model\":\"claude-opus-4-8\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'"))
                .isEqualTo("403");

        bed.eventLog.append(id, new RunCancelled("requested"));
        bed.await(() -> bed.leaseOwner(id) == null, "the run ended");
        assertThat(tokens.find(token)).as("the token after the run").isEmpty();
        assertThat(bed.dump()).doesNotContain(key).doesNotContain(token);
    }
}
