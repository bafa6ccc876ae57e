package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentInstructionsTest {

    private final TenantId tenant = TenantId.next(Instant.now());

    private String block(NetworkPolicy network) {
        AgentSetup agent = new AgentSetup(AgentId.next(Instant.now()), 1, ModelProvider.ANTHROPIC, "m", null, "",
                null, Set.of(), Duration.ofMinutes(1), 1);
        return EnvironmentInstructions.block(new SessionSetup(tenant, agent,
                SandboxSpec.of(SandboxId.next(Instant.now()), tenant), Map.of(), null, null, List.of(), network));
    }

    @Test
    void theAgentIsToldWhatNetworkItHas() {
        assertThat(block(NetworkPolicy.NONE)).contains("There is no network").doesNotContain("HTTP_PROXY");
        assertThat(block(NetworkPolicy.parse("allowlist", List.of("registry.npmjs.org", "*.example.org"))))
                .contains("only registry.npmjs.org, *.example.org can be reached", "HTTP_PROXY", "403")
                .doesNotContain("There is no network");
        assertThat(block(NetworkPolicy.parse("open", null))).contains("public hosts can be reached");
    }
}
