package dev.opencomputer.server.sessions;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Deleting what live agents or sessions use is refused with a 409 {@code in-use} naming them
 * (nothing is deleted), unless {@code ?force=true}; once nothing uses it, it deletes as before.
 */
class InUseDeletesIT extends SessionApiITBase {

    @Test
    void aSecretAnAgentUsesIsA409NamingTheAgentUntilForcedOrUnused() {
        TestTenant tenant = newTenant("secret-in-use");
        putSecret(tenant, "MODEL_KEY", "sk-test-in-use");
        putSecret(tenant, "UNUSED", "x");
        String agent = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "keyed", "model", "claude-sonnet-4-5", "credential", "MODEL_KEY")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");

        as(tenant.key()).delete().uri("/v1/secrets/MODEL_KEY").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "in-use")
                .jsonPath("$.usedBy[0]").isEqualTo(agent);
        as(tenant.key()).get().uri("/v1/secrets/MODEL_KEY").exchange().expectStatus().isOk();
        as(tenant.key()).delete().uri("/v1/secrets/UNUSED").exchange().expectStatus().isNoContent();
        as(tenant.key()).delete().uri("/v1/secrets/MODEL_KEY?force=true").exchange().expectStatus().isNoContent();
        as(tenant.key()).get().uri("/v1/secrets/MODEL_KEY").exchange().expectStatus().isNotFound();
    }

    @Test
    void aSecretAnMcpServerHeaderNamesIsInUseToo() {
        TestTenant tenant = newTenant("mcp-secret-in-use");
        putSecret(tenant, "TRACKER_TOKEN", "tok-in-use");
        String agent = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "tracked", "model", "claude-sonnet-4-5", "mcpServers", java.util.List.of(
                        Map.of("name", "tracker", "type", "http", "url", "http://127.0.0.1:9/mcp",
                                "headers", Map.of("Authorization", Map.of("secret", "TRACKER_TOKEN")))))).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        as(tenant.key()).delete().uri("/v1/secrets/TRACKER_TOKEN").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.usedBy[0]").isEqualTo(agent);
    }

    @Test
    void aSandboxALiveSessionWorksInIsA409NamingTheSessionUntilItIsClosed() {
        Setup setup = tenantWithAgent("sandbox-in-use");
        Map<?, ?> session = start(setup, "hi");
        String sandbox = (String) session.get("sandboxId");
        String id = (String) session.get("id");

        as(setup.tenant().key()).delete().uri("/v1/sandboxes/" + sandbox).exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "in-use").jsonPath("$.usedBy[0]").isEqualTo(id);
        as(setup.tenant().key()).get().uri("/v1/sandboxes/" + sandbox).exchange().expectStatus().isOk();

        Map<?, ?> other = start(setup, "again");
        as(setup.tenant().key()).delete().uri("/v1/sandboxes/" + other.get("sandboxId") + "?force=true").exchange()
                .expectStatus().isNoContent();
    }
}
