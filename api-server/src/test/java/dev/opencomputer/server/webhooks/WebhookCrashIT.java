package dev.opencomputer.server.webhooks;

import dev.opencomputer.server.ServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import dev.opencomputer.testing.WebhookReceiver;
import dev.opencomputer.testing.WebhookReceiver.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kill -9} of a separate dispatcher process in the middle of deliveries, then events
 * committed while no dispatcher lives, then a fresh dispatcher: every event reaches the receiver
 * (at least once) with a valid signature, nothing is lost, and a repeat happens only for a message
 * that was in flight at the kill, with the same {@code webhook-id} so the receiver can drop it.
 * This JVM serves the API only; the dispatchers run as child processes (the built jar or this
 * test classpath), like {@code ServerCrashIT}'s brains.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WebhookCrashIT extends WebhookApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final WebhookReceiver RECEIVER = WebhookReceiver.start();
    private static final List<Process> CHILDREN = new ArrayList<>();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::url);
        registry.add("opencomputer.roles", () -> "api");
    }

    @AfterAll
    static void stopEverything() {
        CHILDREN.forEach(Process::destroyForcibly);
        RECEIVER.close();
    }

    static Process startDispatcher(String name) throws Exception {
        Process process = ServerProcess.start("webhook-crash-" + name, "256m", List.of(
                "--spring.datasource.url=" + DATABASE.url(),
                "--opencomputer.roles=dispatcher",
                "--opencomputer.webhooks.dispatcher-id=" + name,
                "--opencomputer.webhooks.allow-http=true",
                "--opencomputer.webhooks.allowed-networks[0]=127.0.0.1/32",
                "--opencomputer.webhooks.retry-schedule=0ms,500ms,500ms,500ms,500ms",
                "--opencomputer.webhooks.timeout=4s",
                "--opencomputer.webhooks.lease=5s",
                "--opencomputer.webhooks.poll-interval=100ms",
                "--opencomputer.sandbox.docker-host=" + TestEngine.dockerHost(),
                "--opencomputer.sandbox.instance=" + SANDBOX_INSTANCE));
        CHILDREN.add(process);
        return process;
    }

    @Test
    void everyEventArrivesAfterKillMinus9OfTheDispatcherAndRepeatsOnlyWhatWasInFlight() throws Exception {
        TestTenant tenant = newTenant("wh-crash");
        Endpoint endpoint = endpoint(tenant, RECEIVER.url("/crash"), List.of("user.message"));
        // slow answers: the first dispatcher dies with deliveries in flight
        RECEIVER.otherwise(Answer.status(200).after(Duration.ofSeconds(3)));
        String session = session(tenant, "message 0");
        for (int i = 1; i < 10; i++) {
            postMessage(tenant, session, "message " + i);
        }

        Process first = startDispatcher("first");
        awaitReceived(RECEIVER, "/crash", 1);
        first.destroyForcibly().waitFor();
        Set<String> inFlightAtKill = RECEIVER.received("/crash").stream().map(r -> r.header("webhook-id"))
                .collect(Collectors.toSet());

        // committed while no dispatcher lives
        for (int i = 10; i < 20; i++) {
            postMessage(tenant, session, "message " + i);
        }
        RECEIVER.otherwise(Answer.status(200));
        startDispatcher("second");

        Await.until(Duration.ofSeconds(120), "all 20 messages received (logs in target/webhook-crash-*.log)",
                () -> texts(RECEIVER.received("/crash")).size() == 20);
        Await.until(WAIT, "every message delivered", () -> messages(tenant, endpoint.id(), "delivered").size() == 20);
        List<WebhookReceiver.Received> received = RECEIVER.received("/crash");
        received.forEach(delivery -> verify(delivery, endpoint.secret()));
        Map<String, Long> perId = received.stream()
                .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
        assertThat(perId).hasSize(20);
        Set<String> repeated = perId.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(inFlightAtKill).containsAll(repeated);
        // one id per event: de-duplicating by webhook-id leaves each text exactly once
        Map<String, String> textById = received.stream().collect(Collectors.toMap(r -> r.header("webhook-id"),
                r -> text(r), (a, b) -> {
                    assertThat(a).isEqualTo(b);
                    return a;
                }));
        assertThat(Set.copyOf(textById.values())).hasSize(20);
        System.out.printf("webhook crash: %d deliveries for 20 messages, %d in flight at the kill, %d repeated%n",
                received.size(), inFlightAtKill.size(), repeated.size());
    }

    private static String text(WebhookReceiver.Received r) {
        return JSON.readTree(r.body()).get("data").get("event").get("data").get("text").asString();
    }

    private static Set<String> texts(List<WebhookReceiver.Received> received) {
        return received.stream().map(WebhookCrashIT::text).collect(Collectors.toSet());
    }
}
