package dev.opencomputer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A credential shown once is stored nowhere: after issuing tenants' and API keys and a webhook
 * signing secret through idempotent requests, no table of the database holds any of them, a replay
 * answers without them, and idempotency keys are purged after their 24 hours.
 */
class CredentialStorageIT extends ApiITBase {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IdempotencyPurge purge;

    @Test
    @SuppressWarnings("unchecked")
    void noIssuedKeyOrSecretIsInAnyTableAndAReplayAnswersWithoutIt() {
        Map<String, Object> created = operator().post().uri("/v1/tenants").header(Idempotency.HEADER, "tenant-once")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "credential-storage")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String tenantKey = (String) ((Map<String, Object>) created.get("apiKey")).get("key");
        assertThat(tenantKey).startsWith("oc_");

        String issuedKey = (String) as(tenantKey).post().uri("/v1/api-keys").header(Idempotency.HEADER, "key-once")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "ci")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("key");
        String secret = (String) as(tenantKey).post().uri("/v1/webhook-endpoints").header(Idempotency.HEADER, "hook-once")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("url", "http://127.0.0.1:9/hook")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("secret");
        assertThat(issuedKey).startsWith("oc_");
        assertThat(secret).startsWith("whsec_");

        List<String> found = new ArrayList<>();
        for (String table : jdbc.sql("""
                select table_name from information_schema.tables
                where table_schema = current_schema() and table_type = 'BASE TABLE'""").query(String.class).list()) {
            String dump = String.join("\n", jdbc.sql("select t::text from \"" + table + "\" t").query(String.class).list());
            for (String credential : List.of(tenantKey, issuedKey, secret, secret.substring("whsec_".length()))) {
                if (dump.contains(credential)) {
                    found.add(table + " holds " + credential.substring(0, 8) + "…");
                }
            }
        }
        assertThat(found).as("credentials found in tables").isEmpty();

        // Replays answer the same resource, marked as replayed, without the credential shown once.
        as(tenantKey).post().uri("/v1/api-keys").header(Idempotency.HEADER, "key-once")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "ci")).exchange()
                .expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.id").exists().jsonPath("$.key").doesNotExist();
        operator().post().uri("/v1/tenants").header(Idempotency.HEADER, "tenant-once")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "credential-storage")).exchange()
                .expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.tenant.id").exists().jsonPath("$.apiKey.key").doesNotExist();
    }

    @Test
    void idempotencyKeysArePurgedAfterTheirDay() {
        Instant old = Instant.now().minus(25, ChronoUnit.HOURS);
        Instant fresh = Instant.now().minus(1, ChronoUnit.HOURS);
        jdbc.sql("insert into idempotency_keys (scope, key, fingerprint, status, body, created_at) values (?, ?, ?, ?, ?, ?)")
                .params("test:purge", "old", "f", 201, "{}", Timestamp.from(old)).update();
        jdbc.sql("insert into idempotency_keys (scope, key, fingerprint, status, body, created_at) values (?, ?, ?, ?, ?, ?)")
                .params("test:purge", "fresh", "f", 201, "{}", Timestamp.from(fresh)).update();
        assertThat(purge.purge()).isPositive();
        assertThat(jdbc.sql("select key from idempotency_keys where scope = 'test:purge'").query(String.class).list())
                .containsExactly("fresh");
    }
}
