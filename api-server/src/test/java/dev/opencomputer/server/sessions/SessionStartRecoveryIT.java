package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.http.Idempotency;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A {@code POST /v1/sessions} under an {@code Idempotency-Key} whose process died after the session
 * committed but before its response was stored (what the chaos loop found: a {@code kill -9} inside
 * the create): the retry that takes over the abandoned claim answers with that session instead of
 * starting a second one, and a claim whose remembered session never committed starts one.
 */
class SessionStartRecoveryIT extends SessionApiITBase {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aRetryAfterTheCreatorDiedAnswersWithTheSessionItCommittedAndStartsNoOther() {
        Setup setup = tenantWithAgent("start-recovery");
        Map<String, Object> first = create(setup, "died-after-commit");

        abandon(setup, "died-after-commit", null); // the effect the dead request remembered stays
        Map<String, Object> retried = create(setup, "died-after-commit");

        assertThat(retried.get("id")).as("the session the dead request created").isEqualTo(first.get("id"));
        assertThat(retried.get("sandboxId")).isEqualTo(first.get("sandboxId"));
        assertThat(retried.get("clientToken")).as("a fresh token").isNotNull();
        assertThat(sessionsOf(setup)).containsExactly((String) first.get("id"));
        assertThat(create(setup, "died-after-commit").get("id")).as("then replayed as usual").isEqualTo(first.get("id"));
    }

    @Test
    void aRetryAfterTheCreatorDiedBeforeItsSessionCommittedStartsOne() {
        Setup setup = tenantWithAgent("start-recovery-early");
        Map<String, Object> first = create(setup, "died-before-commit");
        String never = "ses_01a23c00000000000000dead";

        abandon(setup, "died-before-commit", never); // remembered an id that never committed
        Map<String, Object> retried = create(setup, "died-before-commit");

        assertThat(retried.get("id")).isNotIn(first.get("id"), never);
        assertThat(sessionsOf(setup)).containsExactlyInAnyOrder((String) first.get("id"), (String) retried.get("id"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> create(Setup setup, String key) {
        return as(setup.tenant().key()).post().uri("/v1/sessions").header(Idempotency.HEADER, key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("agent", "coder", "input", "once"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    /** The state a kill -9 after the effect leaves: a claim without a response, last refreshed 31 s ago. */
    private void abandon(Setup setup, String key, String effect) {
        Instant refreshed = Instant.now().minus(Idempotency.CLAIM_ABANDONED).minusSeconds(1);
        String set = effect == null ? "" : ", effect = '" + effect + "'";
        int rows = jdbc.sql("update idempotency_keys set status = null, body = null, created_at = ?" + set
                        + " where scope = ? and key = ?")
                .params(Timestamp.from(refreshed), setup.tenant().id(), key).update();
        assertThat(rows).isEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    private List<String> sessionsOf(Setup setup) {
        List<Map<String, Object>> data = (List<Map<String, Object>>) as(setup.tenant().key()).get().uri("/v1/sessions")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("data");
        return data.stream().map(s -> (String) s.get("id")).toList();
    }
}
