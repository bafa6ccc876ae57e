package dev.opencomputer.server.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class AgentsIT extends ApiITBase {

    private static final Map<String, Object> CODER = Map.of("name", "coder", "model", "claude-sonnet-4-5",
            "prompt", "You fix bugs.", "credential", "anthropic-key");

    /** A new tenant that has the secret {@link #CODER} names as its credential. */
    private TestTenant tenant(String name) {
        var tenant = newTenant(name);
        putSecret(tenant, "anthropic-key", "sk-ant-test");
        return tenant;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> create(String key, Map<String, Object> body) {
        return as(key).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    void createsAnAgentWithDefaultsAndIgnoresServerOwnedFieldsInTheBody() {
        var tenant = tenant("agents-defaults");
        Map<String, Object> body = new java.util.HashMap<>(CODER);
        body.putAll(Map.of("id", "agt_000000000000000000000000", "version", 42,
                "createdAt", "2000-01-01T00:00:00Z", "updatedAt", "2000-01-01T00:00:00Z"));
        var agent = create(tenant.key(), body);

        assertThat((String) agent.get("id")).matches("agt_[0-9a-f]{24}").isNotEqualTo("agt_000000000000000000000000");
        assertThat(agent).containsEntry("version", 1).containsEntry("runtime", "native")
                .containsEntry("provider", "anthropic").containsEntry("credential", "anthropic-key")
                .doesNotContainKey("tenantId");
        assertThat((List<String>) agent.get("tools")).containsExactly("bash", "read_file", "write_file", "edit_file",
                "list_files");
        assertThat((Map<String, Object>) agent.get("limits")).containsEntry("maxRunTimeSeconds", 3600)
                .containsEntry("maxSteps", 100);
        assertThat((String) agent.get("createdAt")).doesNotStartWith("2000");
    }

    @Test
    void everyUpdateCreatesANewVersionAndOldVersionsStayReadable() {
        var tenant = tenant("agents-versions");
        String id = (String) create(tenant.key(), CODER).get("id");

        as(tenant.key()).patch().uri("/v1/agents/" + id).contentType(MediaType.valueOf("application/merge-patch+json"))
                .bodyValue(Map.of("prompt", "You fix bugs carefully.", "limits", Map.of("maxSteps", 7),
                        "version", 99))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.version").isEqualTo(2)
                .jsonPath("$.prompt").isEqualTo("You fix bugs carefully.")
                .jsonPath("$.limits.maxSteps").isEqualTo(7)
                .jsonPath("$.limits.maxRunTimeSeconds").isEqualTo(3600)
                .jsonPath("$.model").isEqualTo("claude-sonnet-4-5");

        as(tenant.key()).get().uri("/v1/agents/" + id + "/versions/1").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(1).jsonPath("$.prompt").isEqualTo("You fix bugs.");
        as(tenant.key()).get().uri("/v1/agents/" + id + "/versions").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(2).jsonPath("$[0].version").isEqualTo(2);
        as(tenant.key()).get().uri("/v1/agents/" + id).exchange()
                .expectBody().jsonPath("$.version").isEqualTo(2);
    }

    @Test
    void anInvalidUpdateChangesNothing() {
        var tenant = tenant("agents-invalid-update");
        String id = (String) create(tenant.key(), CODER).get("id");
        as(tenant.key()).patch().uri("/v1/agents/" + id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tools", List.of("bash", "launch_missiles"))).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("tools");
        as(tenant.key()).get().uri("/v1/agents/" + id).exchange()
                .expectBody().jsonPath("$.version").isEqualTo(1);
    }

    @Test
    void namesAreUniquePerTenantAndFreedByDelete() {
        var tenant = tenant("agents-names");
        var other = tenant("agents-names-other");
        String id = (String) create(tenant.key(), CODER).get("id");
        create(other.key(), CODER);

        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(CODER).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/conflict");

        as(tenant.key()).delete().uri("/v1/agents/" + id).exchange().expectStatus().isNoContent();
        as(tenant.key()).get().uri("/v1/agents/" + id).exchange().expectStatus().isNotFound();
        as(tenant.key()).delete().uri("/v1/agents/" + id).exchange().expectStatus().isNotFound();
        create(tenant.key(), CODER);
        // A deleted agent's versions stay readable for the sessions that pinned them.
        as(tenant.key()).get().uri("/v1/agents/" + id + "/versions/1").exchange().expectStatus().isOk();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theListPaginatesWithACursorNewestFirstWithoutGapsOrRepeats() {
        var tenant = tenant("agents-pages");
        for (int i = 0; i < 7; i++) {
            create(tenant.key(), Map.of("name", "agent-" + i, "model", "gpt-5"));
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            String uri = "/v1/agents?limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
            Map<String, Object> page = as(tenant.key()).get().uri(uri).exchange().expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody();
            for (var agent : (List<Map<String, Object>>) page.get("data")) {
                assertThat(seen.add((String) agent.get("name"))).isTrue();
                assertThat(agent.get("provider")).isEqualTo("openai");
            }
            cursor = (String) page.get("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(7);
        assertThat(pages).isEqualTo(3);

        as(tenant.key()).get().uri("/v1/agents?cursor=bm90LWFuLWlk").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/invalid-parameter")
                .jsonPath("$.parameter").isEqualTo("cursor");
        as(tenant.key()).get().uri("/v1/agents?limit=0").exchange().expectStatus().isBadRequest();
        as(tenant.key()).get().uri("/v1/agents?limit=abc").exchange().expectStatus().isBadRequest();
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyReturnsTheFirstAgent() {
        var tenant = tenant("agents-idempotent");
        String first = as(tenant.key()).post().uri("/v1/agents").header("Idempotency-Key", "create-coder-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(CODER).exchange()
                .expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
        String replay = as(tenant.key()).post().uri("/v1/agents").header("Idempotency-Key", "create-coder-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(CODER).exchange()
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(replay).isEqualTo(first);

        as(tenant.key()).post().uri("/v1/agents").header("Idempotency-Key", "create-coder-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "other", "model", "m")).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/idempotency-key-reused");
        as(tenant.key()).get().uri("/v1/agents").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(1);
    }

    @Test
    void aCredentialMustBeASecretNameNeverAKey() {
        var tenant = tenant("agents-credential");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "leaky", "model", "claude", "credential", "sk-ant-api03-abc/def+ghi="))
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("credential");
    }
}
