package dev.opencomputer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An idempotency key whose request's process died mid-way (its claim, a row without a status, no
 * longer refreshed) is taken over by a retry instead of answering 409 for 24 hours — what the chaos
 * loop found after a {@code kill -9} during {@code POST /v1/sessions}; a live claim still is a 409.
 */
class IdempotencyClaimsIT extends ApiITBase {

    @Autowired
    JdbcClient jdbc;

    @Test
    @SuppressWarnings("unchecked")
    void anAbandonedClaimIsTakenOverAndALiveOneIsStillInUse() {
        TestTenant tenant = newTenant("idempotency-claims");
        Map<String, Object> first = create(tenant, "claimed-key").expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();

        // the state a kill -9 between the claim and the stored response leaves: a claim, refreshed 31 s ago
        abandon(tenant, "claimed-key", Instant.now().minus(Idempotency.CLAIM_ABANDONED).minusSeconds(1));
        Map<String, Object> retried = create(tenant, "claimed-key").expectStatus().isCreated()
                .expectHeader().doesNotExist("Idempotent-Replayed").expectBody(Map.class).returnResult().getResponseBody();
        assertThat(retried.get("id")).as("the retry ran the request").isNotEqualTo(first.get("id"));
        // and its response is stored as usual
        Map<String, Object> replayed = create(tenant, "claimed-key").expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true").expectBody(Map.class).returnResult().getResponseBody();
        assertThat(replayed.get("id")).isEqualTo(retried.get("id"));

        // a claim refreshed just now belongs to a live request: still 409
        abandon(tenant, "claimed-key", Instant.now());
        create(tenant, "claimed-key").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/idempotency-key-in-use");
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec create(TestTenant tenant, String key) {
        return as(tenant.key()).post().uri("/v1/api-keys").header(Idempotency.HEADER, key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "ci")).exchange();
    }

    private void abandon(TestTenant tenant, String key, Instant refreshedAt) {
        int rows = jdbc.sql("update idempotency_keys set status = null, body = null, created_at = ? where scope = ? and key = ?")
                .params(Timestamp.from(refreshedAt), tenant.id(), key).update();
        assertThat(rows).isEqualTo(1);
    }
}
