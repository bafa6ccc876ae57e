package dev.opencomputer.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.WebhookReceiver;
import dev.opencomputer.testing.WebhookReceiver.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivery end to end: events committed to a session's log reach a real receiver on localhost,
 * signed (verified by the Standard Webhooks reference library), retried on the configured
 * schedule with one {@code webhook-id}, dead after the last attempt and replayable.
 */
class WebhookDeliveryIT extends WebhookApiITBase {

    private static final WebhookReceiver RECEIVER = WebhookReceiver.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Test
    void deliversEachMatchingEventOnceSignedAndLogsWebhookSent() {
        TestTenant tenant = newTenant("wh-deliver");
        Endpoint messagesOnly = endpoint(tenant, RECEIVER.url("/deliver/messages"), List.of("user.message"));
        Endpoint everything = endpoint(tenant, RECEIVER.url("/deliver/all"), null);
        assertThat(messagesOnly.secret()).startsWith("whsec_");
        String session = session(tenant, "first words");
        postMessage(tenant, session, "second words");

        List<WebhookReceiver.Received> got = awaitReceived(RECEIVER, "/deliver/messages", 2);
        for (WebhookReceiver.Received delivery : got) {
            verify(delivery, messagesOnly.secret());
            assertThat(delivery.header("webhook-id")).startsWith("msg_");
            JsonNode body = JSON.readTree(delivery.body());
            assertThat(body.get("type").asString()).isEqualTo("user.message");
            assertThat(Instant.parse(body.get("timestamp").asString())).isBefore(Instant.now());
            JsonNode data = body.get("data");
            assertThat(data.get("sessionId").asString()).isEqualTo(session);
            assertThat(data.get("agentId").asString()).startsWith("agt_");
            assertThat(data.get("event").get("seq").asLong()).isEqualTo(data.get("seq").asLong());
            assertThat(data.get("event").get("type").asString()).isEqualTo("user.message");
        }
        assertThat(got).extracting(r -> JSON.readTree(r.body()).get("data").get("event").get("data").get("text")
                .asString()).containsExactlyInAnyOrder("first words", "second words");

        // every delivered message logs webhook.sent, which is itself never delivered
        Await.until(WAIT, "webhook.sent for every delivery", () -> events(tenant, session).stream()
                .filter(e -> "webhook.sent".equals(e.get("type"))).count() >= 2 + RECEIVER.received("/deliver/all").size()
                && RECEIVER.received("/deliver/all").size() >= 3);
        List<Map<String, Object>> sent = events(tenant, session).stream()
                .filter(e -> "webhook.sent".equals(e.get("type"))).toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) sent.getFirst().get("data");
        assertThat(first).containsKeys("endpointId", "messageId", "eventType", "eventSeq", "statusCode", "attempt");
        assertThat(first.get("statusCode")).isEqualTo(200);
        Await.until(WAIT, "every message delivered", () -> messages(tenant, everything.id(), "pending").isEmpty());
        assertThat(RECEIVER.received("/deliver/all")).allSatisfy(delivery -> {
            verify(delivery, everything.secret());
            assertThat(JSON.readTree(delivery.body()).get("type").asString()).isNotEqualTo("webhook.sent");
        });
        // once per (endpoint, event)
        Set<String> ids = RECEIVER.received("/deliver/all").stream().map(r -> r.header("webhook-id"))
                .collect(Collectors.toSet());
        assertThat(ids).hasSameSizeAs(RECEIVER.received("/deliver/all"));
        assertThat(messages(tenant, everything.id(), "delivered")).hasSize(ids.size());
    }

    @Test
    void retriesAFailingReceiverWithTheSameIdAndAFreshTimestampEachTime() {
        TestTenant tenant = newTenant("wh-retry");
        RECEIVER.answer(Answer.status(500).withBody("boom"), Answer.status(500));
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/retry"), List.of("session.started"));
        session(tenant, "retry me");

        List<WebhookReceiver.Received> got = awaitReceived(RECEIVER, "/retry", 3);
        assertThat(got).hasSize(3);
        assertThat(got).extracting(r -> r.header("webhook-id")).containsOnly(got.getFirst().header("webhook-id"));
        assertThat(got).extracting(r -> r.header("webhook-timestamp")).doesNotHaveDuplicates();
        got.forEach(delivery -> verify(delivery, endpoint.secret()));

        String id = got.getFirst().header("webhook-id");
        Map<String, Object> message = Await.value(WAIT, "delivered", () -> get(tenant, "/v1/webhook-messages/" + id),
                m -> "delivered".equals(m.get("status")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> attempts = (List<Map<String, Object>>) message.get("attempts");
        assertThat(attempts).extracting(a -> a.get("statusCode")).containsExactly(500, 500, 200);
        assertThat(attempts.getFirst().get("response")).isEqualTo("boom");
        assertThat(attempts).allSatisfy(a -> assertThat(a).containsKeys("startedAt", "durationMs"));
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() {
        TestTenant tenant = newTenant("wh-redirect");
        RECEIVER.answer(Answer.status(302).withHeader("Location", RECEIVER.url("/redirect/elsewhere")));
        endpoint(tenant, RECEIVER.url("/redirect"), List.of("session.started"));
        session(tenant, "redirect");

        List<WebhookReceiver.Received> got = awaitReceived(RECEIVER, "/redirect", 2);
        assertThat(RECEIVER.received("/redirect/elsewhere")).isEmpty();
        Map<String, Object> message = Await.value(WAIT, "delivered",
                () -> get(tenant, "/v1/webhook-messages/" + got.getFirst().header("webhook-id")),
                m -> "delivered".equals(m.get("status")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> attempts = (List<Map<String, Object>>) message.get("attempts");
        assertThat(attempts.getFirst().get("statusCode")).isEqualTo(302);
        assertThat((String) attempts.getFirst().get("error")).contains("redirects are not followed");
    }

    @Test
    void goneDisablesTheEndpointAndRetryWaitsForReEnabling() {
        TestTenant tenant = newTenant("wh-gone");
        RECEIVER.answer(Answer.status(410));
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/gone"), List.of("session.started"));
        session(tenant, "gone");

        Map<String, Object> disabled = Await.value(WAIT, "endpoint disabled",
                () -> get(tenant, "/v1/webhook-endpoints/" + endpoint.id()), e -> Boolean.TRUE.equals(e.get("disabled")));
        assertThat((String) disabled.get("disabledReason")).contains("410");
        assertThat(RECEIVER.received("/gone")).hasSize(1);
        List<Map<String, Object>> failed = messages(tenant, endpoint.id(), "failed");
        assertThat(failed).hasSize(1);
        String id = (String) failed.getFirst().get("id");

        Map<String, Object> refused = as(tenant.key()).post().uri("/v1/webhook-messages/" + id + "/retry").exchange()
                .expectStatus().isEqualTo(409).expectBody(Map.class).returnResult().getResponseBody();
        assertProblem(refused, "endpoint-disabled");
        as(tenant.key()).post().uri("/v1/webhook-endpoints/" + endpoint.id() + "/recover")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("since", "2020-01-01T00:00:00Z")).exchange()
                .expectStatus().isEqualTo(409);

        as(tenant.key()).patch().uri("/v1/webhook-endpoints/" + endpoint.id()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("disabled", false)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.disabled").isEqualTo(false);
        as(tenant.key()).post().uri("/v1/webhook-messages/" + id + "/retry").exchange().expectStatus().isAccepted();
        List<WebhookReceiver.Received> got = awaitReceived(RECEIVER, "/gone", 2);
        assertThat(got.get(1).header("webhook-id")).isEqualTo(id);
        verify(got.get(1), endpoint.secret());
    }

    @Test
    void honoursRetryAfterOf429() {
        TestTenant tenant = newTenant("wh-429");
        RECEIVER.answer(Answer.status(429).withHeader("Retry-After", "3"));
        endpoint(tenant, RECEIVER.url("/busy"), List.of("session.started"));
        session(tenant, "busy");

        List<WebhookReceiver.Received> got = awaitReceived(RECEIVER, "/busy", 2);
        // the schedule alone would retry after 1.1 s
        assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }

    @Test
    void anExhaustedMessageIsDeadWithItsAttemptsAndRetryDeliversItWithTheSameId() {
        TestTenant tenant = newTenant("wh-dead");
        RECEIVER.answer(Answer.status(500), Answer.status(503), Answer.status(500), Answer.status(500),
                Answer.status(500), Answer.status(500));
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/dead"), List.of("session.*"));
        Instant before = Instant.now();
        session(tenant, "dead");
        session(tenant, "dead too");

        List<Map<String, Object>> dead = Await.value(WAIT, "two dead messages",
                () -> messages(tenant, endpoint.id(), "failed"), list -> list.size() == 2);
        assertThat(RECEIVER.received("/dead")).hasSize(6);
        Map<String, Object> one = get(tenant, "/v1/webhook-messages/" + dead.getFirst().get("id"));
        assertThat(one.get("status")).isEqualTo("failed");
        assertThat((List<?>) one.get("attempts")).hasSize(3);
        assertThat(one.get("failedAt")).isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) one.get("payload");
        assertThat(payload.get("type")).isEqualTo("session.started");

        // retry one: same id, delivered
        String id = (String) dead.getFirst().get("id");
        as(tenant.key()).post().uri("/v1/webhook-messages/" + id + "/retry").exchange().expectStatus().isAccepted();
        Await.until(WAIT, "retried message delivered",
                () -> "delivered".equals(get(tenant, "/v1/webhook-messages/" + id).get("status")));
        assertThat(RECEIVER.received("/dead").getLast().header("webhook-id")).isEqualTo(id);
        verify(RECEIVER.received("/dead").getLast(), endpoint.secret());

        // recover the rest
        Map<?, ?> recovered = as(tenant.key()).post().uri("/v1/webhook-endpoints/" + endpoint.id() + "/recover")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("since", before.minusSeconds(5).toString()))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(recovered.get("recovered")).isEqualTo(1);
        Await.until(WAIT, "recovered message delivered", () -> messages(tenant, endpoint.id(), "failed").isEmpty()
                && messages(tenant, endpoint.id(), "delivered").size() == 2);
    }

    @Test
    void afterARotationEachMessageCarriesTwoSignaturesOneForEachSecret() {
        TestTenant tenant = newTenant("wh-rotate");
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/rotate"), List.of("session.started"));
        @SuppressWarnings("unchecked")
        Map<String, Object> rotated = as(tenant.key()).post()
                .uri("/v1/webhook-endpoints/" + endpoint.id() + "/rotate-secret").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        String newSecret = (String) rotated.get("secret");
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(endpoint.secret());
        session(tenant, "rotate");

        WebhookReceiver.Received delivery = awaitReceived(RECEIVER, "/rotate", 1).getFirst();
        String[] signatures = delivery.header("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
        verify(delivery, endpoint.secret());
        verify(delivery, newSecret);
        assertThat(verifies(delivery, dev.opencomputer.webhooks.SigningSecret.generate().reveal())).isFalse();
    }

    @Test
    void aTestSendAnswersWithItsAttempt() {
        TestTenant tenant = newTenant("wh-test");
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/test-send"), List.of("session.idle"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sent = as(tenant.key()).post().uri("/v1/webhook-endpoints/" + endpoint.id() + "/test")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        Map<String, Object> attempt = (Map<String, Object>) sent.get("attempt");
        assertThat(attempt.get("statusCode")).isEqualTo(200);
        WebhookReceiver.Received delivery = RECEIVER.received("/test-send").getFirst();
        verify(delivery, endpoint.secret());
        assertThat(JSON.readTree(delivery.body()).get("type").asString()).isEqualTo("webhook.test");
        @SuppressWarnings("unchecked")
        Map<String, Object> message = (Map<String, Object>) sent.get("message");
        assertThat(message.get("status")).isEqualTo("delivered");
        assertThat(delivery.header("webhook-id")).isEqualTo(message.get("id"));
    }
}
