package dev.opencomputer.server.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.testing.TestEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code GET /v1/runtimes} and agents naming a runtime, with an operator-defined runtime next to the built-in ones. */
class RuntimesIT extends ApiITBase {

    @DynamicPropertySource
    static void operatorRuntimes(DynamicPropertyRegistry registry) {
        registry.add("opencomputer.runtimes.pi.command", () -> "/opt/pi/bin/pi-acp");
        registry.add("opencomputer.runtimes.pi.args[0]", () -> "--stdio");
        registry.add("opencomputer.runtimes.pi.image", () -> TestEngine.acpImage());
        registry.add("opencomputer.runtimes.pi.provider", () -> "openai");
        registry.add("opencomputer.runtimes.ghost.command", () -> "ghost-acp");
        registry.add("opencomputer.runtimes.ghost.image", () -> "localhost/no-such-image:latest");
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsTheBuiltInAndTheOperatorsRuntimesWithWhetherEachIsInstalled() {
        var tenant = newTenant("runtimes-list");
        Map<String, Object> body = as(tenant.key()).get().uri("/v1/runtimes").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        List<Map<String, Object>> runtimes = (List<Map<String, Object>>) body.get("data");
        assertThat(runtimes).extracting(r -> r.get("name"))
                .containsExactly("native", "claude-agent-sdk", "codex", "ghost", "pi");
        Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
        runtimes.forEach(r -> byName.put((String) r.get("name"), r));
        assertThat(byName.get("native")).containsEntry("installed", true).containsEntry("kind", "native");
        assertThat(byName.get("claude-agent-sdk")).containsEntry("installed", true).containsEntry("kind", "acp")
                .containsEntry("provider", "anthropic").containsEntry("resumable", true);
        assertThat(byName.get("codex")).containsEntry("installed", true).containsEntry("kind", "acp")
                .containsEntry("provider", "openai").containsEntry("resumable", true)
                .containsEntry("image", TestEngine.codexImage());
        assertThat(byName.get("pi")).containsEntry("installed", true).containsEntry("provider", "openai");
        assertThat(byName.get("ghost")).containsEntry("installed", false);
    }

    @Test
    void anAgentOfAnInstalledAcpRuntimeGetsTheRuntimesImageAndAnUninstalledOneIsRefusedByName() {
        var tenant = newTenant("runtimes-agents");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "support-triage", "model", "claude-opus-4-8",
                        "prompt", "You triage inbound support tickets.", "runtime", "claude-agent-sdk"))
                .exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.runtime").isEqualTo("claude-agent-sdk")
                .jsonPath("$.sandbox.image").isEqualTo("localhost/opencomputer-sandbox-acp:latest");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "ghostly", "model", "claude-opus-4-8", "runtime", "ghost"))
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("runtime")
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("ghost is not installed"));
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "wasm", "model", "claude-opus-4-8", "runtime", "wasm"))
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("claude-agent-sdk"));
    }
}
