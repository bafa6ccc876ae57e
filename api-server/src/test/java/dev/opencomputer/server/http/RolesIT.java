package dev.opencomputer.server.http;

import dev.opencomputer.server.ApiITBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/** A process without the {@code api} role serves health and metrics only; every other route is a 404. */
@TestPropertySource(properties = "opencomputer.roles=dispatcher")
class RolesIT extends ApiITBase {

    @Test
    void aProcessWithoutTheApiRoleServesNoApiRouteButHealthAndMetrics() {
        operator().get().uri("/v1/tenants").exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/not-found");
        anonymous().post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isNotFound();
        anonymous().get().uri("/console/").exchange().expectStatus().isNotFound();
        anonymous().get().uri("/v3/api-docs").exchange().expectStatus().isNotFound();
        anonymous().get().uri("/actuator/health").exchange().expectStatus().isOk();
        anonymous().get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }
}
