package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * An open stream lives only as long as what authorised it: it ends (with {@code event: error}) at
 * its client token's expiry, when its session is destroyed, and when the API key behind it — its
 * own, or the one that minted its client token — is revoked; the token is a 401 from then on.
 */
@TestPropertySource(properties = {"opencomputer.sessions.heartbeat=1s", "opencomputer.sessions.stream-check=200ms",
        "opencomputer.api.client-tokens.ttl=6s"})
class StreamEndingIT extends SessionApiITBase {

    @Test
    void aClientTokenStreamEndsAtTheTokensExpiryAndAFreshTokenStreamsAgain() throws Exception {
        Setup setup = tenantWithAgent("expiring");
        var started = start(setup, "hi");
        String id = (String) started.get("id");
        String token = (String) started.get("clientToken");
        try (SseConnection stream = SseConnection.open(url("/v1/sessions/" + id + "/stream?token=" + token), Map.of())) {
            assertThat(stream.awaitSeq(2, WAIT)).containsExactly(1L, 2L);
            stream.awaitEnd(WAIT);
            assertThat(lastEvent(stream)).isEqualTo("error");
            assertThat(stream.frames().getLast().data()).contains(PROBLEMS + "credential-invalid");
        }
        try (SseConnection again = SseConnection.open(url("/v1/sessions/" + id + "/stream?token=" + token), Map.of())) {
            assertThat(again.status()).isEqualTo(401);
        }
        String fresh = (String) as(setup.tenant().key()).post().uri("/v1/sessions/" + id + "/client-tokens").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("clientToken");
        try (SseConnection renewed = SseConnection.open(url("/v1/sessions/" + id + "/stream?token=" + fresh), Map.of())) {
            assertThat(renewed.awaitSeq(2, WAIT)).containsExactly(1L, 2L);
        }
    }

    @Test
    void destroyingTheSessionEndsEveryOpenStreamAndItsTokensAre401() throws Exception {
        Setup setup = tenantWithAgent("destroyed");
        var started = start(setup, "hi");
        String id = (String) started.get("id");
        String token = (String) started.get("clientToken");
        try (SseConnection byKey = SseConnection.open(url("/v1/sessions/" + id + "/stream"),
                Map.of("Authorization", "Bearer " + setup.tenant().key()));
                SseConnection byToken = SseConnection.open(url("/v1/sessions/" + id + "/stream?token=" + token), Map.of())) {
            byKey.awaitSeq(2, WAIT);
            byToken.awaitSeq(2, WAIT);
            as(setup.tenant().key()).delete().uri("/v1/sessions/" + id).exchange().expectStatus().isNoContent();
            byKey.awaitEnd(WAIT);
            byToken.awaitEnd(WAIT);
            assertThat(byKey.frames().getLast().data()).contains(PROBLEMS + "not-found");
            assertThat(byToken.frames().getLast().data()).contains(PROBLEMS + "not-found");
        }
        as(token).get().uri("/v1/sessions/" + id).exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "credential-invalid");
    }

    @Test
    @SuppressWarnings("unchecked")
    void revokingTheKeyThatMintedATokenEndsItsStreamAndTheToken() throws Exception {
        Setup setup = tenantWithAgent("revoked");
        Map<String, Object> second = as(setup.tenant().key()).post().uri("/v1/api-keys")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "backend-2")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String secondKey = (String) second.get("key");
        String id = startId(setup);
        String token = (String) as(secondKey).post().uri("/v1/sessions/" + id + "/client-tokens").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("clientToken");
        try (SseConnection byToken = SseConnection.open(url("/v1/sessions/" + id + "/stream?token=" + token), Map.of());
                SseConnection bySecondKey = SseConnection.open(url("/v1/sessions/" + id + "/stream"),
                        Map.of("Authorization", "Bearer " + secondKey));
                SseConnection byFirstKey = SseConnection.open(url("/v1/sessions/" + id + "/stream"),
                        Map.of("Authorization", "Bearer " + setup.tenant().key()))) {
            byToken.awaitSeq(2, WAIT);
            bySecondKey.awaitSeq(2, WAIT);
            byFirstKey.awaitSeq(2, WAIT);
            as(setup.tenant().key()).delete().uri("/v1/api-keys/" + second.get("id")).exchange().expectStatus().isOk();
            byToken.awaitEnd(WAIT);
            bySecondKey.awaitEnd(WAIT);
            assertThat(byToken.frames().getLast().data()).contains(PROBLEMS + "credential-invalid");
            assertThat(byFirstKey.ended()).as("a stream of another key goes on").isFalse();
        }
        as(token).get().uri("/v1/sessions/" + id).exchange().expectStatus().isUnauthorized();
    }

    private static String lastEvent(SseConnection stream) {
        List<SseConnection.Frame> frames = stream.frames();
        return frames.getLast().event();
    }
}
