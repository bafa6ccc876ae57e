package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.ApiException;
import dev.opencomputer.sdk.ConflictException;
import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.ValidationException;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import dev.opencomputer.sdk.webhooks.EndpointRequest;
import dev.opencomputer.sdk.webhooks.WebhookEndpoint;
import dev.opencomputer.sdk.webhooks.Webhooks;
import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.WebhookReceiver;
import dev.opencomputer.testing.WebhookReceiver.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Java SDK against the real server: webhook endpoints, test sends, dead letters, replay, and verification. */
class SdkWebhooksIT extends ApiITBase {

    private final List<AutoCloseable> opened = new ArrayList<>();

    private OpenComputer newTenantClient(String name) {
        var operator = OpenComputer.builder().apiKey(OPERATOR_KEY).baseUrl("http://localhost:" + port).build();
        opened.add(operator);
        var oc = OpenComputer.builder().baseUrl("http://localhost:" + port)
                .apiKey(operator.tenants().create(CreateTenantRequest.builder().name(name).build()).apiKey().key())
                .build();
        opened.add(oc);
        return oc;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @Test
    void managesEndpointsAndReplaysADeadLetterThroughTheSdk() {
        var oc = newTenantClient("sdk-webhooks");
        WebhookReceiver receiver = WebhookReceiver.start();
        opened.add(receiver);
        receiver.answer(Answer.status(500), Answer.status(500), Answer.status(500));

        WebhookEndpoint endpoint = oc.webhooks().create(EndpointRequest.url(receiver.url("/sdk"))
                .withEvents(List.of("webhook.test")).withDescription("sdk"));
        assertThat(endpoint.secret()).startsWith("whsec_");
        assertThat(endpoint.toString()).doesNotContain(endpoint.secret());
        assertThat(oc.webhooks().get(endpoint.id()).secret()).isNull();
        assertThat(oc.webhooks().list().stream().map(WebhookEndpoint::id)).containsExactly(endpoint.id());

        var test = oc.webhooks().test(endpoint.id());
        assertThat(test.attempt().statusCode()).isEqualTo(500);
        String id = test.message().id();
        Await.until(Duration.ofSeconds(30), "the test message dead",
                () -> "failed".equals(oc.webhooks().message(id).status()));
        assertThat(oc.webhooks().messages(endpoint.id(), "failed").stream().map(m -> m.id())).containsExactly(id);
        assertThat(oc.webhooks().message(id).attempts()).hasSize(3);
        receiver.received().forEach(r -> Webhooks.verify(r.body(), r.headers(), endpoint.secret()));

        oc.webhooks().retry(id);
        Await.until(Duration.ofSeconds(30), "retried", () -> "delivered".equals(oc.webhooks().message(id).status()));
        assertThat(receiver.received().getLast().header("webhook-id")).isEqualTo(id);
        assertThat(oc.webhooks().recover(endpoint.id(), Instant.now().minusSeconds(3600))).isZero();

        WebhookEndpoint rotated = oc.webhooks().rotateSecret(endpoint.id());
        assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(endpoint.secret());
        oc.webhooks().test(endpoint.id());
        var last = receiver.received().getLast();
        Webhooks.verify(last.body(), last.headers(), endpoint.secret());
        Webhooks.verify(last.body(), last.headers(), rotated.secret());

        WebhookEndpoint disabled = oc.webhooks().update(endpoint.id(), EndpointRequest.change().withDisabled(true));
        assertThat(disabled.disabled()).isTrue();
        assertThatThrownBy(() -> oc.webhooks().retry(id)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> oc.webhooks().create(EndpointRequest.url("http://10.0.0.1/")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.problem().is("url-rejected")).isTrue());
        assertThatThrownBy(() -> oc.webhooks().create(EndpointRequest.url(receiver.url("/x"))
                .withEvents(List.of("no.such")))).isInstanceOf(ValidationException.class);
        oc.webhooks().delete(endpoint.id());
        assertThatThrownBy(() -> oc.webhooks().get(endpoint.id())).isInstanceOf(NotFoundException.class);
    }
}
