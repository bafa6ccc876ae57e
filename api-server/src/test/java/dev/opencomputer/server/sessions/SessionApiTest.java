package dev.opencomputer.server.sessions;

import dev.opencomputer.server.ApiIntegrationTest;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;

/** Session tests: a tenant with an agent, sessions started through the API. */
abstract class SessionApiTest extends ApiIntegrationTest {

    static final String PROBLEMS = "https://opencomputer.dev/problems/";
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A tenant with one agent named {@code coder}. */
    record Setup(TestTenant tenant, String agentId) {
    }

    Setup tenantWithAgent(String name) {
        TestTenant tenant = newTenant(name);
        String agentId = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        return new Setup(tenant, agentId);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> start(Setup setup, String input) {
        return as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", input)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    String startId(Setup setup) {
        return (String) start(setup, "hello").get("id");
    }

    /** Posts a message through the API and returns its seq. */
    long post(String key, String sessionId, String text) {
        return ((Number) as(key).post().uri("/v1/sessions/" + sessionId + "/messages")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", text)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("seq"))
                .longValue();
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }
}
