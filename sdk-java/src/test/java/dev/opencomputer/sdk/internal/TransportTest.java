package dev.opencomputer.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.ConnectionException;
import dev.opencomputer.sdk.RateLimitException;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.ScriptedApi;
import dev.opencomputer.sdk.ServerException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The retry loop, with a sleeper that records the waits instead of sleeping. */
class TransportTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String UNAVAILABLE = """
            {"type":"https://opencomputer.dev/problems/service-unavailable","title":"Service unavailable","status":503}""";

    private final ScriptedApi api = ScriptedApi.start();
    private final List<Duration> waits = new ArrayList<>();

    @AfterEach
    void stop() {
        api.close();
    }

    private Transport transport(URI base, int maxRetries) {
        var random = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1; // the top of the jitter range, so waits are predictable
            }
        };
        return new Transport(base, "oc_key", HttpClient.newHttpClient(), true, Duration.ofSeconds(5),
                new RetryPolicy(maxRetries, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30),
                        random), CLOCK, waits::add);
    }

    @Test
    void waitsExactlyAsLongAsRetryAfterSaysInSecondsOrAsADate() {
        api.answer(503, UNAVAILABLE, Map.of("Retry-After", "7"))
                .answer(429, "{}", Map.of("Retry-After", "Sun, 01 Mar 2026 12:00:12 GMT"))
                .answer(200, "{\"ok\":true}");
        var answer = transport(api.uri(), 3).get("/v1/thing", JsonNode.class);
        assertThat(answer.get("ok").asBoolean()).isTrue();
        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(12));
    }

    @Test
    void withoutRetryAfterTheWaitsGrowExponentially() {
        api.answer(500, "{}").answer(502, "{}").answer(504, "{}").answer(200, "{}");
        transport(api.uri(), 3).get("/v1/thing", JsonNode.class);
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(api.received()).hasSize(4);
    }

    @Test
    void aRetryAfterLongerThanTheClientWaitsOutFailsAtOnceAndSaysHowLong() {
        api.answer(429, """
                {"type":"https://opencomputer.dev/problems/limit-exceeded","status":429,"limit":"maxRunningSessions","max":5}""",
                Map.of("Retry-After", "120"));
        assertThatThrownBy(() -> transport(api.uri(), 3).get("/v1/thing", JsonNode.class))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
                    assertThat(e.limit()).contains("maxRunningSessions");
                    assertThat(e.problem().extensions()).containsEntry("max", 5);
                });
        assertThat(waits).isEmpty();
    }

    @Test
    void givesUpAfterTheRetryBudgetWithTheLastAnswer() {
        api.answer(503, UNAVAILABLE).answer(503, UNAVAILABLE).answer(503, UNAVAILABLE, Map.of("X-Request-Id", "req-3"));
        assertThatThrownBy(() -> transport(api.uri(), 2).get("/v1/thing", JsonNode.class))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.problem().is("service-unavailable")).isTrue();
                    assertThat(e.requestId()).contains("req-3");
                });
        assertThat(waits).hasSize(2);
    }

    @Test
    void aRefusedConnectionIsRetriedForEveryMethodThenReported() throws Exception {
        URI closed;
        try (var socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        var transport = transport(closed, 2);
        assertThatThrownBy(() -> transport.patch("/v1/agents/agt_1", Map.of("a", 1), "application/merge-patch+json",
                JsonNode.class))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("PATCH /v1/agents/agt_1 failed after 3 attempt(s)");
        assertThat(waits).hasSize(2);
    }

    @Test
    void perCallOptionsOverrideTheRetryBudget() {
        api.answer(503, UNAVAILABLE).answer(200, "{}");
        assertThatThrownBy(() -> transport(api.uri(), 5).post("/v1/things", Map.of(), JsonNode.class,
                RequestOptions.builder().maxRetries(0).build())).isInstanceOf(ServerException.class);
        assertThat(api.received()).hasSize(1);
    }
}
