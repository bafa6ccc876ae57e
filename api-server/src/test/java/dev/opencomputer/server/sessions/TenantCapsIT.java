package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * One tenant cannot crowd out the others: request rates per API key, open streams per tenant and
 * per client token, and pending sessions are capped per tier — the tenant over a cap gets a 429
 * {@code limit-exceeded} problem with {@code Retry-After}, and another tenant is unaffected.
 */
@TestPropertySource(properties = {
        "opencomputer.api.tiers.standard.requests-per-minute-per-key=40",
        "opencomputer.api.tiers.standard.max-streams=3",
        "opencomputer.api.tiers.standard.max-streams-per-token=1",
        "opencomputer.api.tiers.standard.max-pending-sessions=2"})
class TenantCapsIT extends SessionApiITBase {

    private static final String LIMIT = "https://opencomputer.dev/problems/limit-exceeded";

    @Test
    void anApiKeyOverItsRequestRateGets429WithRetryAfterAndAnotherTenantDoesNot() {
        TestTenant noisy = newTenant("noisy");
        TestTenant quiet = newTenant("quiet");
        int ok = 0;
        for (int i = 0; i < 40; i++) {
            if (as(noisy.key()).get().uri("/v1/agents").exchange().returnResult(String.class).getStatus().value() == 200) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(40);
        as(noisy.key()).get().uri("/v1/agents").exchange().expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.type").isEqualTo(LIMIT).jsonPath("$.limit").isEqualTo("requestsPerMinutePerKey");
        as(quiet.key()).get().uri("/v1/agents").exchange().expectStatus().isOk();
    }

    @Test
    void streamsAreCappedPerTenantAndPerClientTokenAndAnotherTenantStillStreams() throws Exception {
        Setup busy = tenantWithAgent("streams-busy");
        Setup other = tenantWithAgent("streams-other");
        var started = start(busy, "hi");
        String id = (String) started.get("id");
        String token = (String) started.get("clientToken");
        List<AutoCloseable> open = new ArrayList<>();
        try {
            open.add(openStream(id, "?token=" + token, null, 200));
            openStream(id, "?token=" + token, null, 429).close(); // one stream per client token
            open.add(openStream(id, "", busy.tenant().key(), 200));
            open.add(openStream(id, "", busy.tenant().key(), 200));
            openStream(id, "", busy.tenant().key(), 429).close(); // three per tenant
            String otherId = startId(other);
            open.add(openStream(otherId, "", other.tenant().key(), 200));
        } finally {
            for (AutoCloseable stream : open) {
                stream.close();
            }
        }
    }

    private SseConnection openStream(String session, String query, String key, int status) throws Exception {
        SseConnection stream = SseConnection.open(url("/v1/sessions/" + session + "/stream" + query),
                key == null ? Map.of() : Map.of("Authorization", "Bearer " + key));
        assertThat(stream.status()).as("stream %s%s", session, query).isEqualTo(status);
        return stream;
    }

    @Test
    void pendingSessionsAreCappedPerTenantAndAnotherTenantStillStarts() {
        Setup backlog = tenantWithAgent("backlog");
        Setup other = tenantWithAgent("backlog-other");
        startId(backlog);
        startId(backlog);
        as(backlog.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "third")).exchange()
                .expectStatus().isEqualTo(429).expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.limit").isEqualTo("maxPendingSessions").jsonPath("$.max").isEqualTo(2);
        startId(other);
    }
}
