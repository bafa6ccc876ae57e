package dev.opencomputer.server.sandboxes;

import dev.opencomputer.server.ApiIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With the container engine unreachable, sandbox calls answer a 503 problem and leave nothing behind. */
class SandboxesWithoutEngineIT extends ApiIntegrationTest {

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
}
