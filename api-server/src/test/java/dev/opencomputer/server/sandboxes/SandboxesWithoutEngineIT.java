package dev.opencomputer.server.sandboxes;

import dev.opencomputer.server.ApiITBase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With the container engine unreachable, sandbox calls answer a 503 problem and leave nothing behind. */
class SandboxesWithoutEngineIT extends ApiITBase {

    @DynamicPropertySource
    static void unreachableEngine(DynamicPropertyRegistry registry) {
        registry.add("opencomputer.sandbox.docker-host", () -> "unix:///tmp/oc-no-engine-here.sock");
    }

    @Test
    void anUnreachableEngineIsA503ProblemNamingTheDependency() {
        var tenant = newTenant("no-engine");
        as(tenant.key()).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("Retry-After", "5")
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/service-unavailable")
                .jsonPath("$.dependency").isEqualTo("container-engine")
                .jsonPath("$.detail").isEqualTo("the container engine cannot be reached")
                .jsonPath("$.trace").doesNotExist();
        as(tenant.key()).get().uri("/v1/sandboxes").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
    }

    @Test
    void aSessionStartedWithTheEngineUnreachableIsA503AndLeavesNoSessionAndNoSandbox() {
        var tenant = newTenant("no-engine-session");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5")).exchange().expectStatus().isCreated();
        as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "start-1")
                .bodyValue(Map.of("agent", "coder", "input", "hello")).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.dependency").isEqualTo("container-engine");
        as(tenant.key()).get().uri("/v1/sessions").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        as(tenant.key()).get().uri("/v1/sandboxes").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        // the failed attempt did not consume the idempotency key: a retry runs again
        as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "start-1")
                .bodyValue(Map.of("agent", "coder", "input", "hello")).exchange()
                .expectStatus().isEqualTo(503);
    }
}
