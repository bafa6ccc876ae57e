package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TokenUsage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A session of 200 events of about 1 MB each (200 MB of log) is read a bounded number of bytes at
 * a time: {@code GET …/events} pages stop at {@code max-read-bytes} (4 MiB) and say {@code hasMore},
 * the SSE stream catches up in bounded pages, and {@code /v1/usage} folds the window as it reads it.
 */
class LargeEventsIT extends SessionApiITBase {

    private static final int LARGE = 200;
    private static final int CHARS = 1_000_000;

    @Autowired
    PostgresEventLog eventLog;

    @Test
    @SuppressWarnings("unchecked")
    void aSessionOfOneMegabyteEventsIsPagedStreamedAndMeteredWithinTheByteBound() throws Exception {
        Setup setup = tenantWithAgent("large-events");
        String key = setup.tenant().key();
        String id = startId(setup);
        SessionId session = SessionId.parse(id);
        char[] text = new char[CHARS];
        long lastSeq = 0;
        for (int i = 0; i < LARGE; i++) {
            for (int k = 0; k < CHARS; k++) {
                text[k] = (char) ('a' + ThreadLocalRandom.current().nextInt(26));
            }
            lastSeq = eventLog.append(session, new AgentMessage("msg_" + i, "claude-sonnet-4-5",
                    List.of(new ContentBlock.Text(new String(text))), "end_turn", new TokenUsage(10, 20, 0, 0))).seq();
        }

        // pages: at most 4 MiB of events each (so 4 of these), hasMore until the end
        String after = "0";
        long seen = 0;
        int pages = 0;
        int largestBody = 0;
        while (true) {
            var result = as(key).mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)).build().get().uri("/v1/sessions/" + id + "/events?limit=1000&after=" + after).exchange()
                    .expectStatus().isOk().expectBody(String.class).returnResult();
            String body = result.getResponseBody();
            largestBody = Math.max(largestBody, body.length());
            Map<String, Object> page = tools.jackson.databind.json.JsonMapper.builder().build().readValue(body, Map.class);
            List<Map<String, Object>> data = (List<Map<String, Object>>) page.get("data");
            pages++;
            for (Map<String, Object> event : data) {
                assertThat(((Number) event.get("seq")).longValue()).isEqualTo(seen + 1);
                seen++;
            }
            after = (String) page.get("nextCursor");
            if (!(Boolean) page.get("hasMore")) {
                break;
            }
            assertThat(data.stream().filter(e -> "agent.message".equals(e.get("type"))))
                    .as("1 MB events in a page").hasSizeLessThanOrEqualTo(4);
        }
        assertThat(seen).isEqualTo(lastSeq);
        assertThat(pages).isGreaterThanOrEqualTo(LARGE / 4);
        assertThat(largestBody).as("largest page body").isLessThan(5 * 1024 * 1024);

        // the stream from the start: every event once, in order (only the ids are kept here)
        HttpResponse<java.io.InputStream> stream = SseConnection.CLIENT.send(HttpRequest.newBuilder(
                        URI.create(url("/v1/sessions/" + id + "/stream?after=0")))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + key)
                .timeout(Duration.ofMinutes(2)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        long streamed = 0;
        try (var lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line; streamed < lastSeq && (line = lines.readLine()) != null; ) {
                if (line.startsWith("id:")) {
                    assertThat(Long.parseLong(line.substring(3).strip())).isEqualTo(streamed + 1);
                    streamed++;
                }
            }
        }
        assertThat(streamed).isEqualTo(lastSeq);

        // usage folds the 200 MB window as it reads it
        as(key).get().uri("/v1/usage").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total.modelCalls").isEqualTo(LARGE)
                .jsonPath("$.total.inputTokens").isEqualTo(10 * LARGE)
                .jsonPath("$.total.outputTokens").isEqualTo(20 * LARGE);
        System.out.printf("200 x 1 MB events: %d GET pages (largest body %d bytes), %d streamed%n", pages,
                largestBody, streamed);
    }
}
