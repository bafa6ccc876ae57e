package dev.opencomputer.server;

import dev.opencomputer.testing.TestDatabase;
import java.util.Map;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of API integration tests: the whole application on a random port against one real,
 * fresh PostgreSQL database shared by every test class in the run (so Spring reuses one
 * context). Tests isolate themselves by creating their own tenants.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiIntegrationTest {

    public static final String OPERATOR_KEY = "oc_op_test_operator_key_0123456789abcdef";
    private static final TestDatabase DATABASE = TestDatabase.create();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::url);
        registry.add("opencomputer.api.operator-key", () -> OPERATOR_KEY);
    }

    /** A client with no credential. */
    protected WebTestClient anonymous() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    /** A client sending {@code Authorization: Bearer <key>}. */
    protected WebTestClient as(String key) {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .defaultHeader("Authorization", "Bearer " + key).build();
    }

    protected WebTestClient operator() {
        return as(OPERATOR_KEY);
    }

    /** A tenant created through the API, with the API key it was created with. */
    public record TestTenant(String id, String key) {
    }

    @SuppressWarnings("unchecked")
    protected TestTenant newTenant(String name) {
        Map<String, Object> created = operator().post().uri("/v1/tenants").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name)).exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        var tenant = (Map<String, Object>) created.get("tenant");
        var apiKey = (Map<String, Object>) created.get("apiKey");
        return new TestTenant((String) tenant.get("id"), (String) apiKey.get("key"));
    }
}
