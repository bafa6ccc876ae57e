package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.server.sessions.SseConnection.Frame;
import dev.opencomputer.session.AgentMessageDelta;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@TestPropertySource(properties = "opencomputer.sessions.heartbeat=1s")
class SessionStreamIT extends SessionApiITBase {

    @Autowired
    PostgresEventLog eventLog;

    @Autowired
    JsonMapper json;

    @Test
    void theStreamSetsRetryThenSendsEachEventWithItsSeqAsIdAndItsTypeAsEventThenLiveOnes() throws Exception {
        Setup setup = tenantWithAgent("streamer");
        String id = startId(setup);
        try (SseConnection stream = open(setup, id, "", Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            List<Frame> frames = stream.await(f -> f.size() >= 3, WAIT);
            assertThat(frames.getFirst().retry()).matches("[0-9]+").isEqualTo("2000");
            Frame started = frames.get(1);
            assertThat(started.id()).isEqualTo("1");
            assertThat(started.event()).isEqualTo("session.started");
            JsonNode data = json.readTree(started.data());
            assertThat(data.get("seq").asLong()).isEqualTo(1);
            assertThat(data.get("sessionId").asString()).isEqualTo(id);
            assertThat(data.get("type").asString()).isEqualTo("session.started");
            assertThat(data.get("data").get("agentId").asString()).isEqualTo(setup.agentId());
            assertThat(frames.get(2).event()).isEqualTo("user.message");

            long seq = post(setup.tenant().key(), id, "live one");
            assertThat(stream.awaitSeq(seq, WAIT)).containsExactly(1L, 2L, 3L);
            Frame live = stream.frames().stream().filter(f -> "3".equals(f.id())).findFirst().orElseThrow();
            assertThat(json.readTree(live.data()).get("data").get("text").asString()).isEqualTo("live one");
        }
    }

    @Test
    void aHeartbeatCommentArrivesWhileNothingHappens() throws Exception {
        Setup setup = tenantWithAgent("quiet");
        String id = startId(setup);
        try (SseConnection stream = open(setup, id, "?after=2", Map.of())) {
            List<Frame> frames = stream.await(f -> f.stream().filter(SessionStreamIT::isHeartbeat).count() >= 2,
                    Duration.ofSeconds(10));
            assertThat(frames.stream().filter(Frame::isStored)).isEmpty();
        }
    }

    @Test
    void resumingFromEveryCursorByLastEventIdOrAfterGivesTheRestWithNoGapAndNoDuplicate() throws Exception {
        Setup setup = tenantWithAgent("resumer");
        String id = startId(setup);
        for (int i = 0; i < 8; i++) {
            post(setup.tenant().key(), id, "m" + i);
        }
        long last = 10;
        for (long cursor = 0; cursor <= 10; cursor++) {
            boolean byHeader = cursor % 2 == 0;
            // EventSource reconnects to the same URL with Last-Event-ID: the header wins over ?after=.
            String query = byHeader ? "?after=0" : "?after=" + cursor;
            Map<String, String> headers = byHeader ? Map.of("Last-Event-ID", Long.toString(cursor)) : Map.of();
            try (SseConnection stream = open(setup, id, query, headers)) {
                if (cursor < last) {
                    assertThat(stream.awaitSeq(last, WAIT))
                            .containsExactlyElementsOf(LongStream.rangeClosed(cursor + 1, last).boxed().toList());
                }
                long next = post(setup.tenant().key(), id, "after " + cursor);
                assertThat(stream.awaitSeq(next, WAIT)).as("resumed after %d", cursor)
                        .containsExactlyElementsOf(LongStream.rangeClosed(cursor + 1, next).boxed().toList());
                last = next;
            }
        }
    }

    @Test
    void aMalformedNegativeOrFutureCursorIsA400Problem() throws Exception {
        Setup setup = tenantWithAgent("badcursor");
        String id = startId(setup);
        for (var request : List.of(
                new Object[] {"?after=-1", Map.of(), "after"},
                new Object[] {"?after=abc", Map.of(), "after"},
                new Object[] {"?after=99", Map.of(), "after"},
                new Object[] {"", Map.of("Last-Event-ID", "x1"), "Last-Event-ID"},
                new Object[] {"?after=1", Map.of("Last-Event-ID", "-3"), "Last-Event-ID"})) {
            @SuppressWarnings("unchecked")
            Map<String, String> headers = (Map<String, String>) request[1];
            try (SseConnection stream = open(setup, id, (String) request[0], headers)) {
                assertThat(stream.status()).as((String) request[0] + headers).isEqualTo(400);
                assertThat(stream.contentType()).isEqualTo("application/problem+json");
                JsonNode problem = json.readTree(stream.body());
                assertThat(problem.get("type").asString()).isEqualTo(PROBLEMS + "invalid-parameter");
                assertThat(problem.get("parameter").asString()).isEqualTo(request[2]);
            }
        }
    }

    @Test
    void aClientThatGoesAwayFreesItsSubscription() throws Exception {
        Setup setup = tenantWithAgent("leaver");
        String id = startId(setup);
        int before = eventLog.activeSubscriptions();
        SseConnection stream = open(setup, id, "", Map.of());
        stream.awaitSeq(2, WAIT);
        Await.until(WAIT, "the stream is subscribed", () -> eventLog.activeSubscriptions() == before + 1);
        stream.close();
        Await.until(WAIT, "the subscription is freed", () -> eventLog.activeSubscriptions() == before);
    }

    @Test
    void ephemeralEventsAreStreamedWithoutAnIdAndAreNotInTheLog() throws Exception {
        Setup setup = tenantWithAgent("ephemeral");
        String id = startId(setup);
        try (SseConnection stream = open(setup, id, "", Map.of())) {
            stream.awaitSeq(2, WAIT);
            eventLog.publish(SessionId.parse(id), new AgentMessageDelta("Hel"));
            List<Frame> frames = stream.await(f -> f.stream().anyMatch(x -> "agent.delta".equals(x.event())), WAIT);
            Frame delta = frames.stream().filter(x -> "agent.delta".equals(x.event())).findFirst().orElseThrow();
            assertThat(delta.id()).isNull();
            assertThat(json.readTree(delta.data()).has("seq")).isFalse();
            assertThat(json.readTree(delta.data()).get("data").get("text").asString()).isEqualTo("Hel");
        }
        as(setup.tenant().key()).get().uri("/v1/sessions/" + id + "/events").exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(2);
    }

    @Test
    void aClientTokenStreamsItsOwnSessionThroughTheQueryAndNoOtherOne() throws Exception {
        Setup setup = tenantWithAgent("browser");
        var started = start(setup, "hi");
        String id = (String) started.get("id");
        String token = (String) started.get("clientToken");
        String other = startId(setup);
        try (SseConnection stream = SseConnection.open(url("/v1/sessions/" + id + "/stream?token=" + token), Map.of())) {
            assertThat(stream.awaitSeq(2, WAIT)).containsExactly(1L, 2L);
        }
        try (SseConnection stream = SseConnection.open(url("/v1/sessions/" + other + "/stream?token=" + token),
                Map.of())) {
            assertThat(stream.status()).isEqualTo(403);
        }
        try (SseConnection stream = SseConnection.open(url("/v1/sessions/" + id + "/stream"), Map.of())) {
            assertThat(stream.status()).isEqualTo(401);
        }
    }

    @Test
    void theStreamIsDescribedInTheOpenApiDocument() {
        anonymous().get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/v1/sessions/{id}/stream'].get.operationId").isEqualTo("streamSession")
                .jsonPath("$.paths['/v1/sessions/{id}/events'].get").exists();
    }

    private SseConnection open(Setup setup, String id, String query, Map<String, String> headers) throws Exception {
        var all = new java.util.HashMap<>(headers);
        all.put("Authorization", "Bearer " + setup.tenant().key());
        return SseConnection.open(url("/v1/sessions/" + id + "/stream" + query), all);
    }

    private static boolean isHeartbeat(Frame frame) {
        return frame.id() == null && frame.event() == null && frame.data() == null && frame.retry() == null
                && frame.comments().equals(List.of(""));
    }
}
