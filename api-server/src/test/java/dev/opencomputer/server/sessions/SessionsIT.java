package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.session.SessionClosed;
import dev.opencomputer.session.SessionId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

class SessionsIT extends SessionApiITBase {

    @Autowired
    EventLog eventLog;

    @Test
    @SuppressWarnings("unchecked")
    void startingASessionPinsTheAgentVersionAndLogsItsStartAndFirstMessage() {
        Setup setup = tenantWithAgent("starter");
        as(setup.tenant().key()).patch().uri("/v1/agents/" + setup.agentId()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("prompt", "v2")).exchange().expectStatus().isOk();
        Map<String, Object> session = as(setup.tenant().key()).post().uri("/v1/sessions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", setup.agentId(), "input", "fix the build", "metadata", Map.of("ticket", "42")))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) session.get("id");
        assertThat(SessionId.isValid(id)).isTrue();
        assertThat(session).containsEntry("status", "pending").containsEntry("agentId", setup.agentId())
                .containsEntry("agentVersion", 2).containsEntry("lastSeq", 2)
                .containsEntry("streamUrl", "/v1/sessions/" + id + "/stream")
                .containsEntry("metadata", Map.of("ticket", "42"))
                .containsKeys("clientToken", "clientTokenExpiresAt", "createdAt");

        Map<String, Object> page = as(setup.tenant().key()).get().uri("/v1/sessions/" + id + "/events").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        List<Map<String, Object>> events = (List<Map<String, Object>>) page.get("data");
        assertThat(events).extracting(e -> e.get("type")).containsExactly("session.started", "user.message");
        assertThat(events.get(0)).containsEntry("seq", 1).containsEntry("sessionId", id).containsKey("time");
        assertThat((Map<String, Object>) events.get(0).get("data")).containsEntry("agentId", setup.agentId())
                .containsEntry("agentVersion", 2).containsEntry("model", "claude-sonnet-4-5");
        assertThat(events.get(1).get("data")).isEqualTo(Map.of("text", "fix the build"));

        as(setup.tenant().key()).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("pending").jsonPath("$.clientToken").doesNotExist();
    }

    @Test
    void aSessionNeedsAnAgentOfTheTenantAndAnInput() {
        Setup setup = tenantWithAgent("picky");
        Setup other = tenantWithAgent("other");
        as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", other.agentId(), "input", "hi")).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "validation-failed")
                .jsonPath("$.errors[0].field").isEqualTo("agent");
        as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", " ")).exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("input");
        as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("input", "hi")).exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("agent");
        as(setup.tenant().key()).get().uri("/v1/sessions").exchange().expectBody().jsonPath("$.data.length()")
                .isEqualTo(0);
    }

    @Test
    void sessionsAreListedNewestFirstPageByPageAndByStatus() {
        Setup setup = tenantWithAgent("lister");
        String first = startId(setup);
        String second = startId(setup);
        String third = startId(setup);
        eventLog.append(SessionId.parse(second), new SessionClosed("done"));
        var key = setup.tenant().key();
        as(key).get().uri("/v1/sessions?limit=2").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].id").isEqualTo(third).jsonPath("$.data[1].id").isEqualTo(second);
        String cursor = nextCursor(key, "/v1/sessions?limit=2");
        as(key).get().uri("/v1/sessions?limit=2&cursor=" + cursor).exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(first)
                .jsonPath("$.nextCursor").doesNotExist();
        as(key).get().uri("/v1/sessions?status=closed").exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(second);
        as(key).get().uri("/v1/sessions?status=sleeping").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "invalid-parameter")
                .jsonPath("$.parameter").isEqualTo("status");
    }

    @Test
    void aMessageIsAppendedAndAnsweredWithItsSeqUntilTheSessionIsClosed() {
        Setup setup = tenantWithAgent("talker");
        String id = startId(setup);
        var key = setup.tenant().key();
        assertThat(post(key, id, "one")).isEqualTo(3);
        as(key).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "two")).exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.seq").isEqualTo(4).jsonPath("$.type").isEqualTo("user.message")
                .jsonPath("$.data.text").isEqualTo("two").jsonPath("$.sessionId").isEqualTo(id);
        as(key).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "")).exchange().expectStatus().isEqualTo(422);
        eventLog.append(SessionId.parse(id), new SessionClosed("done"));
        as(key).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "too late")).exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "session-closed");
        as(key).get().uri("/v1/sessions/" + id).exchange().expectBody().jsonPath("$.status").isEqualTo("closed")
                .jsonPath("$.lastSeq").isEqualTo(5);
        // a closed session's log stays readable
        as(key).get().uri("/v1/sessions/" + id + "/events?after=4").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].type").isEqualTo("session.closed");
    }

    @Test
    void theLogIsPagedInSeqOrderWithANextCursorToPassAsAfter() {
        Setup setup = tenantWithAgent("pager");
        String id = startId(setup);
        var key = setup.tenant().key();
        for (int i = 0; i < 5; i++) {
            post(key, id, "m" + i);
        }
        as(key).get().uri("/v1/sessions/" + id + "/events?limit=3").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[*].seq").isEqualTo(List.of(1, 2, 3))
                .jsonPath("$.nextCursor").isEqualTo("3").jsonPath("$.hasMore").isEqualTo(true);
        as(key).get().uri("/v1/sessions/" + id + "/events?after=3&limit=4").exchange()
                .expectBody().jsonPath("$.data[*].seq").isEqualTo(List.of(4, 5, 6, 7))
                .jsonPath("$.nextCursor").isEqualTo("7").jsonPath("$.hasMore").isEqualTo(false);
        as(key).get().uri("/v1/sessions/" + id + "/events?after=7").exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0).jsonPath("$.nextCursor").isEqualTo("7")
                .jsonPath("$.hasMore").isEqualTo(false);
        for (String bad : List.of("after=-1", "after=abc", "after=1.5", "limit=0", "limit=1001", "limit=x")) {
            as(key).get().uri("/v1/sessions/" + id + "/events?" + bad).exchange().expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "invalid-parameter");
        }
    }

    @Test
    void startingAgainWithTheSameIdempotencyKeyReturnsTheSameSessionWithAFreshToken() {
        Setup setup = tenantWithAgent("retrier");
        var key = setup.tenant().key();
        var first = as(key).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "start-1").bodyValue(Map.of("agent", "coder", "input", "hi")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        var again = as(key).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "start-1").bodyValue(Map.of("agent", "coder", "input", "hi")).exchange()
                .expectStatus().isCreated().expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(again.get("id")).isEqualTo(first.get("id"));
        assertThat(again.get("clientToken")).isNotNull().isNotEqualTo(first.get("clientToken"));
        as(key).get().uri("/v1/sessions").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(1);
    }

    @Test
    void everySessionEndpointAnswersAnotherTenantsSessionExactlyLikeAMissingOne() {
        Setup owner = tenantWithAgent("owner");
        Setup intruder = tenantWithAgent("intruder");
        String id = startId(owner);
        String missing = "ses_0000000000000000deadbeef";
        for (String path : List.of("", "/events", "/stream")) {
            var foreign = as(intruder.tenant().key()).get().uri("/v1/sessions/" + id + path).exchange()
                    .expectStatus().isNotFound().expectBody().returnResult();
            var absent = as(intruder.tenant().key()).get().uri("/v1/sessions/" + missing + path).exchange()
                    .expectStatus().isNotFound().expectBody().returnResult();
            assertThat(new String(foreign.getResponseBody()))
                    .isEqualTo(new String(absent.getResponseBody()).replace(missing, id));
        }
        as(intruder.tenant().key()).post().uri("/v1/sessions/" + id + "/messages")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "hijack")).exchange()
                .expectStatus().isNotFound();
        as(owner.tenant().key()).get().uri("/v1/sessions/" + id).exchange().expectBody()
                .jsonPath("$.lastSeq").isEqualTo(2);
    }

    private String nextCursor(String key, String uri) {
        return (String) as(key).get().uri(uri).exchange().expectBody(Map.class).returnResult().getResponseBody()
                .get("nextCursor");
    }
}
