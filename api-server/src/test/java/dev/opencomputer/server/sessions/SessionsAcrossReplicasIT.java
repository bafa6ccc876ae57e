package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.server.OpenComputerApplication;
import dev.opencomputer.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two application instances sharing one database, as two replicas behind a load balancer: what is
 * appended through one is streamed live by the other, and clients that keep reconnecting to
 * either one with {@code Last-Event-ID} see every event exactly once, in order.
 */
// the reconnect storm opens a stream hundreds of times a minute with one key: no request-rate limit (CI hit 429)
@TestPropertySource(properties = {"opencomputer.sessions.heartbeat=1s",
        "opencomputer.api.tiers.standard.requests-per-minute=100000000",
        "opencomputer.api.tiers.standard.requests-per-minute-per-key=100000000"})
class SessionsAcrossReplicasIT extends SessionApiITBase {

    private static ConfigurableApplicationContext replicaB;

    @Autowired
    Environment environment;

    @Autowired
    PostgresEventLog eventLogA;

    @BeforeEach
    void startSecondReplica() {
        if (replicaB == null) {
            replicaB = new SpringApplicationBuilder(OpenComputerApplication.class).run(
                    "--server.port=0",
                    "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                    "--opencomputer.api.operator-key=" + OPERATOR_KEY,
                    "--opencomputer.secrets.master-key=" + MASTER_KEY,
                    "--opencomputer.sessions.heartbeat=1s",
                    "--opencomputer.api.tiers.standard.requests-per-minute=100000000",
                    "--opencomputer.api.tiers.standard.requests-per-minute-per-key=100000000",
                    "--opencomputer.roles=api",
                    "--opencomputer.sandbox.docker-host=" + dev.opencomputer.testing.TestEngine.dockerHost(),
                    "--opencomputer.sandbox.instance=" + SANDBOX_INSTANCE);
        }
    }

    @AfterAll
    static void stopSecondReplica() {
        if (replicaB != null) {
            replicaB.close();
            replicaB = null;
        }
    }

    @Test
    void deltasPublishedOnTheBrainsReplicaReachAStreamOnTheOtherInOrderBeforeTheMessage() throws Exception {
        Setup setup = tenantWithAgent("replicated-deltas");
        String id = startId(setup);
        String key = setup.tenant().key();
        try (SseConnection onB = SseConnection.open(urlOfB("/v1/sessions/" + id + "/stream"), bearer(key))) {
            onB.awaitSeq(2, WAIT);
            // what the brain's model step does on this replica (replica B runs no brain)
            var session = dev.opencomputer.session.SessionId.parse(id);
            for (int i = 0; i < 100; i++) {
                eventLogA.publish(session, new dev.opencomputer.session.AgentMessageDelta("w" + i + " "));
            }
            long after = post(key, id, "after the deltas");
            List<SseConnection.Frame> frames = onB.await(
                    all -> all.stream().anyMatch(f -> String.valueOf(after).equals(f.id())), WAIT);
            List<String> deltas = new ArrayList<>();
            for (SseConnection.Frame frame : frames) {
                if (String.valueOf(after).equals(frame.id())) {
                    break; // the deltas come before the stored event appended after them
                }
                if ("agent.delta".equals(frame.event())) {
                    deltas.add(tools.jackson.databind.json.JsonMapper.builder().build().readTree(frame.data())
                            .get("data").get("text").asString());
                }
            }
            assertThat(deltas).containsExactlyElementsOf(LongStream.range(0, 100).mapToObj(i -> "w" + i + " ").toList());
        }
    }

    @Test
    void whatIsAppendedOnOneReplicaIsStreamedLiveByTheOther() throws Exception {
        Setup setup = tenantWithAgent("replicated");
        String id = startId(setup);
        String key = setup.tenant().key();
        try (SseConnection onB = SseConnection.open(urlOfB("/v1/sessions/" + id + "/stream"), bearer(key));
                SseConnection onA = SseConnection.open(url("/v1/sessions/" + id + "/stream"), bearer(key))) {
            onB.awaitSeq(2, WAIT);
            onA.awaitSeq(2, WAIT);
            long third = post(key, id, "via A");
            long fourth = postViaB(key, id, "via B");
            assertThat(onB.awaitSeq(fourth, WAIT)).containsExactly(1L, 2L, third, fourth);
            assertThat(onA.awaitSeq(fourth, WAIT)).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void aReconnectStormAcrossBothReplicasSeesEveryEventExactlyOnceInOrder() throws Exception {
        Setup setup = tenantWithAgent("storm");
        String id = startId(setup);
        String key = setup.tenant().key();
        PostgresEventLog eventLogB = replicaB.getBean(PostgresEventLog.class);
        int baselineA = eventLogA.activeSubscriptions();
        int baselineB = eventLogB.activeSubscriptions();
        int messages = 200;
        long last = 2 + messages;
        int clients = 60;
        List<Future<List<Long>>> seen = new ArrayList<>();
        int[] reconnects = new int[clients];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                seen.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    while (seqs.isEmpty() || seqs.getLast() < last) {
                        boolean toB = ThreadLocalRandom.current().nextBoolean();
                        Map<String, String> headers = bearer(key);
                        if (!seqs.isEmpty()) {
                            headers.put("Last-Event-ID", Long.toString(seqs.getLast()));
                        }
                        String path = "/v1/sessions/" + id + "/stream";
                        try (SseConnection stream = SseConnection.open(toB ? urlOfB(path) : url(path), headers)) {
                            assertThat(stream.status()).isEqualTo(200);
                            int take = ThreadLocalRandom.current().nextInt(1, 25);
                            stream.await(f -> f.stream().filter(SseConnection.Frame::isStored).count() >= take
                                    || f.stream().anyMatch(x -> x.isStored() && x.seq() == last), WAIT);
                            seqs.addAll(stream.seqs());
                        }
                        reconnects[client]++;
                    }
                    return seqs;
                }));
            }
            for (int i = 0; i < messages; i++) {
                if (i % 2 == 0) {
                    post(key, id, "storm " + i);
                } else {
                    postViaB(key, id, "storm " + i);
                }
            }
            List<Long> expected = LongStream.rangeClosed(1, last).boxed().toList();
            for (Future<List<Long>> client : seen) {
                // a client may read a little past what it asked for before disconnecting: that is
                // fine, but it must never see a seq twice or skip one
                assertThat(client.get(2, TimeUnit.MINUTES)).containsExactlyElementsOf(expected);
            }
        }
        int total = 0;
        for (int r : reconnects) {
            total += r;
        }
        assertThat(total).isGreaterThan(clients * 3);
        Await.until(WAIT, "every subscription is freed on both replicas",
                () -> eventLogA.activeSubscriptions() == baselineA
                && eventLogB.activeSubscriptions() == baselineB);
    }

    @Test
    void aReplicaThatShutsDownEndsItsStreamsAtOnceAndTheirClientsResumeOnAnother() throws Exception {
        Setup setup = tenantWithAgent("failover");
        String id = startId(setup);
        String key = setup.tenant().key();
        SseConnection onB = SseConnection.open(urlOfB("/v1/sessions/" + id + "/stream"), bearer(key));
        onB.awaitSeq(2, WAIT);
        long started = System.nanoTime();
        replicaB.close(); // graceful shutdown: it must not wait for its open streams to end
        replicaB = null;
        onB.awaitEnd(Duration.ofSeconds(20));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        long third = post(key, id, "while B is gone");
        Map<String, String> headers = bearer(key);
        headers.put("Last-Event-ID", Long.toString(onB.seqs().getLast()));
        try (SseConnection onA = SseConnection.open(url("/v1/sessions/" + id + "/stream"), headers)) {
            assertThat(onA.awaitSeq(third, WAIT)).containsExactly(third);
        }
        onB.close();
    }

    private long postViaB(String key, String sessionId, String text) {
        WebTestClient b = WebTestClient.bindToServer().baseUrl(urlOfB(""))
                .defaultHeader("Authorization", "Bearer " + key).build();
        return ((Number) b.post().uri("/v1/sessions/" + sessionId + "/messages")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(Map.of("text", text))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("seq")).longValue();
    }

    private static Map<String, String> bearer(String key) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Bearer " + key);
        return headers;
    }

    private static String urlOfB(String path) {
        return "http://localhost:" + replicaB.getEnvironment().getProperty("local.server.port") + path;
    }
}
