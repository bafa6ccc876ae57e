package dev.opencomputer.server;

import dev.opencomputer.secrets.MasterKeys;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.security.SecureRandom;
import java.util.Map;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of API integration tests: the whole application on a random port against one real,
 * fresh PostgreSQL database shared by every test class in the run (so Spring reuses one
 * context). Tests isolate themselves by creating their own tenants.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {
        // Defaults a test class may override with its own @DynamicPropertySource (which wins over
        // these; a second @DynamicPropertySource here would win over the subclass's instead).
        // Sessions get a sandbox: a small busybox one on the test engine. The brain role is off unless
        // a test class turns it on, so that sessions of API tests stay exactly as the test leaves them.
        "spring.datasource.url=${oc.test.database-url}",
        "opencomputer.roles=api,dispatcher",
        "opencomputer.sandbox.instance=${oc.test.sandbox-instance}",
        "opencomputer.sandbox.default-image=${OC_TEST_SANDBOX_IMAGE:localhost/opencomputer-sandbox-bb:latest}",
        "opencomputer.sandbox.default-memory=64MB",
        "opencomputer.sandbox.stop-timeout=2s",
        // Webhooks to local receivers on 127.0.0.1 only, with a short schedule (3 attempts ~1.1 s apart).
        "opencomputer.webhooks.allow-http=true",
        "opencomputer.webhooks.allowed-networks[0]=127.0.0.1/32",
        "opencomputer.webhooks.retry-schedule=0ms,1100ms,1100ms",
        "opencomputer.webhooks.jitter=0",
        "opencomputer.webhooks.poll-interval=50ms",
        "opencomputer.webhooks.timeout=3s",
        "opencomputer.webhooks.lease=10s"})
public abstract class ApiITBase {

    public static final String OPERATOR_KEY = "oc_op_test_operator_key_0123456789abcdef";
    /** The secret store's master keyring for the shared test database (one fresh version-1 key per run). */
    public static final String MASTER_KEY = MasterKeys.newEntry(1, new SecureRandom());
    private static final TestDatabase DATABASE = TestDatabase.create();
    /**
     * Labels the sandboxes of this run's application (session sandboxes included) on the shared
     * engine; they are removed when the test JVM exits.
     */
    public static final String SANDBOX_INSTANCE = "api-it-" + java.util.UUID.randomUUID().toString().substring(0, 8);

    static {
        System.setProperty("oc.test.sandbox-instance", SANDBOX_INSTANCE);
        System.setProperty("oc.test.database-url", DATABASE.url());
        Runtime.getRuntime().addShutdownHook(new Thread(ApiITBase::removeSandboxesOfThisRun));
    }

    /** Generous: the first OpenAPI document is built on demand and CI machines are shared. */
    private static final java.time.Duration RESPONSE_TIMEOUT = java.time.Duration.ofSeconds(30);

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("opencomputer.api.operator-key", () -> OPERATOR_KEY);
        registry.add("opencomputer.secrets.master-key", () -> MASTER_KEY);
    }

    private static void removeSandboxesOfThisRun() {
        try (var driver = new dev.opencomputer.sandbox.docker.DockerSandboxDriver(dev.opencomputer.sandbox.SandboxConfig
                .builder().dockerHost(TestEngine.dockerHost()).instance(SANDBOX_INSTANCE).build(),
                java.time.Clock.systemUTC())) {
            driver.list().forEach(sandbox -> driver.remove(sandbox.id()));
        } catch (RuntimeException e) {
            // the engine may be gone already; bin/test's engine is private to the run anyway
        }
    }

    /** A client with no credential. */
    protected WebTestClient anonymous() {
        return WebTestClient.bindToServer().responseTimeout(RESPONSE_TIMEOUT).baseUrl("http://localhost:" + port).build();
    }

    /** A client sending {@code Authorization: Bearer <key>}. */
    protected WebTestClient as(String key) {
        return WebTestClient.bindToServer().responseTimeout(RESPONSE_TIMEOUT).baseUrl("http://localhost:" + port)
                .defaultHeader("Authorization", "Bearer " + key).build();
    }

    protected WebTestClient operator() {
        return as(OPERATOR_KEY);
    }

    /** A tenant created through the API, with the API key it was created with. */
    public record TestTenant(String id, String key) {
    }

    /** Creates or replaces a secret of the tenant through {@code PUT /v1/secrets/{name}}. */
    protected void putSecret(TestTenant tenant, String name, String value) {
        as(tenant.key()).put().uri("/v1/secrets/" + name).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", value)).exchange()
                .expectStatus().is2xxSuccessful();
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
