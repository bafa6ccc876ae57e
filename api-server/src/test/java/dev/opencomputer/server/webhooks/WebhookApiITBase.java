package dev.opencomputer.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.WebhookReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;

/** Webhook tests: endpoints created through the API, sessions whose log feeds them, real receivers. */
abstract class WebhookApiITBase extends ApiITBase {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String PROBLEMS = "https://opencomputer.dev/problems/";

    /** A created endpoint: its id and its secret (shown once). */
    record Endpoint(String id, String secret) {
    }

    @SuppressWarnings("unchecked")
    Endpoint endpoint(TestTenant tenant, String url, List<String> events) {
        Map<String, Object> body = new HashMap<>();
        body.put("url", url);
        if (events != null) {
            body.put("events", events);
        }
        Map<String, Object> created = as(tenant.key()).post().uri("/v1/webhook-endpoints")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return new Endpoint((String) created.get("id"), (String) created.get("secret"));
    }

    /** Creates agent {@code coder} if needed and starts a session; its log holds session.started and user.message. */
    @SuppressWarnings("unchecked")
    String session(TestTenant tenant, String input) {
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5")).exchange();
        return (String) as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", input)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    void postMessage(TestTenant tenant, String session, String text) {
        as(tenant.key()).post().uri("/v1/sessions/" + session + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", text)).exchange().expectStatus().isCreated();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> get(TestTenant tenant, String path) {
        return as(tenant.key()).get().uri(path).exchange().expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages(TestTenant tenant, String endpoint, String status) {
        return (List<Map<String, Object>>) get(tenant, "/v1/webhook-endpoints/" + endpoint + "/messages?limit=200"
                + (status == null ? "" : "&status=" + status)).get("data");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> events(TestTenant tenant, String session) {
        return (List<Map<String, Object>>) get(tenant, "/v1/sessions/" + session + "/events?limit=1000").get("data");
    }

    static List<WebhookReceiver.Received> awaitReceived(WebhookReceiver receiver, String path, int count) {
        return Await.value(WAIT, count + " webhook(s) at " + path, () -> receiver.received(path),
                list -> list.size() >= count);
    }

    /** Verifies a delivery with the Standard Webhooks reference library; throws when it does not verify. */
    static void verify(WebhookReceiver.Received delivery, String secret) {
        try {
            new Webhook(secret).verify(delivery.body(), delivery.headers());
        } catch (Exception e) {
            throw new AssertionError("webhook does not verify with the reference library: " + e, e);
        }
    }

    static boolean verifies(WebhookReceiver.Received delivery, String secret) {
        try {
            new Webhook(secret).verify(delivery.body(), delivery.headers());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static void assertProblem(Map<String, Object> problem, String slug) {
        assertThat(problem.get("type")).isEqualTo(PROBLEMS + slug);
    }
}
