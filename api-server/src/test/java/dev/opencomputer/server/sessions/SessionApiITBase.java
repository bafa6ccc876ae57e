package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Session tests: a tenant with an agent, sessions started through the API. */
public abstract class SessionApiITBase extends ApiITBase {

    protected static final String PROBLEMS = "https://opencomputer.dev/problems/";
    protected static final Duration WAIT = Duration.ofSeconds(30);

    /** A tenant with one agent named {@code coder}. */
    protected record Setup(TestTenant tenant, String agentId) {
    }

    protected Setup tenantWithAgent(String name) {
        TestTenant tenant = newTenant(name);
        String agentId = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        return new Setup(tenant, agentId);
    }

    @SuppressWarnings("unchecked")
    protected Map<String, Object> start(Setup setup, String input) {
        return as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", input)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    /**
     * Settings for a test class that runs sessions for real: its own database, the brain role
     * pointed at {@code models} with short leases, and the host-/usr sandbox image.
     */
    protected static void registerBrain(DynamicPropertyRegistry registry, TestDatabase database, ModelServer models) {
        registry.add("spring.datasource.url", database::url);
        registry.add("opencomputer.roles", () -> "api,brain,dispatcher");
        registry.add("opencomputer.brain.anthropic-base-url", () -> models.anthropicBaseUrl().toString());
        registry.add("opencomputer.brain.openai-base-url", () -> models.openAiBaseUrl().toString());
        registry.add("opencomputer.brain.claim-interval", () -> "200ms");
        registry.add("opencomputer.brain.lease-duration", () -> "6s");
        registry.add("opencomputer.brain.heartbeat-interval", () -> "2s");
        registry.add("opencomputer.sandbox.default-image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.default-memory", () -> "256MB");
        registry.add("opencomputer.sandbox.image-mounts[0].image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.image-mounts[0].source", () -> "/usr");
        registry.add("opencomputer.sandbox.image-mounts[0].target", () -> "/usr");
    }

    /** A tenant whose agent {@code coder} calls the model with {@code modelKey}, kept in the secret store. */
    protected Setup tenantWithKeyedAgent(String name, String modelKey) {
        TestTenant tenant = newTenant(name);
        putSecret(tenant, "model-key", modelKey);
        String agentId = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5", "provider", "anthropic",
                        "prompt", "You are a careful engineer.", "credential", "model-key"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        return new Setup(tenant, agentId);
    }

    protected String startId(Setup setup) {
        return (String) start(setup, "hello").get("id");
    }

    /** Posts a message through the API and returns its seq. */
    protected long post(String key, String sessionId, String text) {
        return ((Number) as(key).post().uri("/v1/sessions/" + sessionId + "/messages")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", text)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("seq"))
                .longValue();
    }

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }
}
