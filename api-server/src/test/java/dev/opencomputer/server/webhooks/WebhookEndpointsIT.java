package dev.opencomputer.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.testing.WebhookReceiver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The endpoints API: validation (event types, the SSRF guard), secrets shown once and kept out of
 * idempotent replays and the database's plain columns, the tier limit, and the tenant matrix on
 * every route.
 */
class WebhookEndpointsIT extends WebhookApiITBase {

    private static final WebhookReceiver RECEIVER = WebhookReceiver.start();

    @Autowired
    JdbcClient jdbc;

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Test
    void refusesUrlsAimedAtThePlatformsOwnNetworkWithA422() {
        TestTenant tenant = newTenant("wh-ssrf");
        // the test configuration allows http and 127.0.0.1/32 only
        for (String url : List.of("http://127.0.0.2/hook", "http://10.1.2.3/hook", "http://192.168.1.1/",
                "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/",
                "http://[fd00::1]/", "http://[fe80::1]/", "http://0.0.0.0/", "http://224.0.0.1/",
                "http://[::ffff:10.0.0.1]/", "ftp://example.com/", "not a url", "http://user:pw@127.0.0.1/",
                "http://no-such-host.invalid/")) {
            Map<?, ?> problem = as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("url", url)).exchange().expectStatus().isEqualTo(422)
                    .expectBody(Map.class).returnResult().getResponseBody();
            assertThat(problem.get("type")).as(url).isEqualTo(PROBLEMS + "url-rejected");
        }
        // and on PATCH too
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/ok"), null);
        as(tenant.key()).patch().uri("/v1/webhook-endpoints/" + endpoint.id()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", "http://169.254.169.254/")).exchange().expectStatus().isEqualTo(422);
    }

    @Test
    void validatesEventTypesAndAcceptsPrefixes() {
        TestTenant tenant = newTenant("wh-types");
        Map<?, ?> problem = as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", RECEIVER.url("/t"), "events", List.of("session.idle", "no.such_type", "nope.*")))
                .exchange().expectStatus().isEqualTo(422).expectBody(Map.class).returnResult().getResponseBody();
        assertThat(problem.get("type")).isEqualTo(PROBLEMS + "validation-failed");
        assertThat(problem.toString()).contains("no.such_type").contains("nope.*");
        Endpoint ok = endpoint(tenant, RECEIVER.url("/t"), List.of("session.*", "user.message", "webhook.test"));
        Map<String, Object> shown = get(tenant, "/v1/webhook-endpoints/" + ok.id());
        assertThat(shown.get("events")).isEqualTo(List.of("session.*", "user.message", "webhook.test"));
        assertThat(shown).doesNotContainKey("secret");
        as(tenant.key()).patch().uri("/v1/webhook-endpoints/" + ok.id()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"events\": null, \"description\": \"all of it\"}").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.events").doesNotExist().jsonPath("$.description").isEqualTo("all of it");
    }

    @Test
    void theSecretIsShownOnceNeverStoredInPlainTextNorReplayedByTheIdempotencyLayer() {
        TestTenant tenant = newTenant("wh-secret");
        var first = as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "create-1").bodyValue(Map.of("url", RECEIVER.url("/s"))).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String secret = (String) first.get("secret");
        assertThat(secret).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        var replay = as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "create-1").bodyValue(Map.of("url", RECEIVER.url("/s"))).exchange()
                .expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(replay.get("id")).isEqualTo(first.get("id"));
        assertThat(replay).doesNotContainKey("secret");
        String random = secret.substring(6);
        assertThat(jdbc.sql("select count(*) from idempotency_keys where body like ?").param("%" + random + "%")
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from webhook_endpoints where row_to_json(webhook_endpoints)::text like ?")
                .param("%" + random + "%").query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from secrets where tenant_id = ?").param("webhooks:" + tenant.id())
                .query(Integer.class).single()).isEqualTo(1);
        // not among the tenant's own secrets
        as(tenant.key()).get().uri("/v1/secrets").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        // deleting the endpoint deletes its secret
        as(tenant.key()).delete().uri("/v1/webhook-endpoints/" + first.get("id")).exchange().expectStatus().isNoContent();
        assertThat(jdbc.sql("select count(*) from secrets where tenant_id = ?").param("webhooks:" + tenant.id())
                .query(Integer.class).single()).isZero();
    }

    @Test
    void aTenantHasAtMostItsTiersEndpoints() {
        TestTenant tenant = newTenant("wh-limit");
        for (int i = 0; i < 20; i++) {
            endpoint(tenant, RECEIVER.url("/limit/" + i), null);
        }
        Map<?, ?> problem = as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", RECEIVER.url("/limit/21"))).exchange().expectStatus().isEqualTo(429)
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(problem.get("type")).isEqualTo(PROBLEMS + "limit-exceeded");
        assertThat(problem.get("max")).isEqualTo(20);
        // pages of the list
        Map<String, Object> page = get(tenant, "/v1/webhook-endpoints?limit=15");
        assertThat((List<?>) page.get("data")).hasSize(15);
        Map<String, Object> next = get(tenant, "/v1/webhook-endpoints?limit=15&cursor=" + page.get("nextCursor"));
        assertThat((List<?>) next.get("data")).hasSize(5);
        assertThat(next).doesNotContainKey("nextCursor");
    }

    @Test
    void anotherTenantsEndpointsAndMessagesAre404OnEveryRoute() {
        TestTenant owner = newTenant("wh-owner");
        TestTenant other = newTenant("wh-other");
        Endpoint endpoint = endpoint(owner, RECEIVER.url("/matrix"), List.of("webhook.test"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sent = as(owner.key()).post().uri("/v1/webhook-endpoints/" + endpoint.id() + "/test")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        String message = (String) ((Map<String, Object>) sent.get("message")).get("id");
        String e = "/v1/webhook-endpoints/" + endpoint.id();
        String m = "/v1/webhook-messages/" + message;
        List<Object[]> routes = List.of(
                new Object[] {HttpMethod.GET, e, null},
                new Object[] {HttpMethod.PATCH, e, Map.of("description", "mine now")},
                new Object[] {HttpMethod.DELETE, e, null},
                new Object[] {HttpMethod.POST, e + "/rotate-secret", null},
                new Object[] {HttpMethod.POST, e + "/test", null},
                new Object[] {HttpMethod.GET, e + "/messages", null},
                new Object[] {HttpMethod.POST, e + "/recover", Map.of("since", "2020-01-01T00:00:00Z")},
                new Object[] {HttpMethod.GET, m, null},
                new Object[] {HttpMethod.POST, m + "/retry", null},
                // and ids that do not exist at all, or are not ids
                new Object[] {HttpMethod.GET, "/v1/webhook-endpoints/we_000000000000000000000000", null},
                new Object[] {HttpMethod.GET, "/v1/webhook-endpoints/nonsense", null},
                new Object[] {HttpMethod.GET, "/v1/webhook-messages/msg_000000000000000000000000", null},
                new Object[] {HttpMethod.POST, "/v1/webhook-messages/nonsense/retry", null});
        for (Object[] route : routes) {
            var request = as(other.key()).method((HttpMethod) route[0]).uri((String) route[1]);
            var response = route[2] == null ? request.exchange()
                    : request.contentType(MediaType.APPLICATION_JSON).bodyValue(route[2]).exchange();
            Map<?, ?> problem = response.expectStatus().isNotFound().expectBody(Map.class).returnResult().getResponseBody();
            assertThat(problem.get("type")).as(route[0] + " " + route[1]).isEqualTo(PROBLEMS + "not-found");
        }
        assertThat((List<?>) get(other, "/v1/webhook-endpoints").get("data")).isEmpty();
        // the owner's endpoint is untouched
        Map<String, Object> still = get(owner, e);
        assertThat(still.get("description")).isNull();
        assertThat(RECEIVER.received("/matrix")).hasSize(1);
        // without a credential: 401
        anonymous().get().uri("/v1/webhook-endpoints").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void theOpenApiDocumentListsTheWebhookRoutes() {
        String document = anonymous().get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(document).contains("/v1/webhook-endpoints/{id}/rotate-secret", "/v1/webhook-endpoints/{id}/recover",
                "/v1/webhook-messages/{id}/retry", "/v1/webhook-endpoints/{id}/messages");
    }

    @Test
    void badInputIsAProblemNeverA500() {
        TestTenant tenant = newTenant("wh-bad");
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/bad"), null);
        as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\": 5}").exchange().expectStatus().is4xxClientError();
        as(tenant.key()).post().uri("/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{").exchange().expectStatus().isBadRequest();
        as(tenant.key()).patch().uri("/v1/webhook-endpoints/" + endpoint.id()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"disabled\": \"yes\"}").exchange().expectStatus().isEqualTo(422);
        as(tenant.key()).get().uri("/v1/webhook-endpoints/" + endpoint.id() + "/messages?status=lost").exchange()
                .expectStatus().isBadRequest();
        as(tenant.key()).post().uri("/v1/webhook-endpoints/" + endpoint.id() + "/recover")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("since", "yesterday")).exchange()
                .expectStatus().isEqualTo(422);
    }
}
