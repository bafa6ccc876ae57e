package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionWaitsTest {

    private static final SessionId SESSION = SessionId.next(Instant.EPOCH);
    private static final PermissionRequested REQUEST = new PermissionRequested("perm_1", "c1", "bash",
            Map.of("command", "ls"), null);

    private static SessionWaits fold(SessionEvent... events) {
        List<LoggedEvent> logged = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            logged.add(new LoggedEvent(SESSION, i + 1, Instant.EPOCH.plusSeconds(i), events[i]));
        }
        return SessionWaits.of(logged);
    }

    @Test
    void anUnansweredRequestIsPendingAndItsAnswerSettlesIt() {
        SessionWaits waiting = fold(REQUEST);
        assertThat(waiting.approvals()).extracting(a -> a.request().requestId()).containsExactly("perm_1");
        assertThat(waiting.approvalOf("c1")).isPresent();
        assertThat(waiting.waiting()).isTrue();

        SessionWaits answered = fold(REQUEST, new PermissionAnswered("perm_1", "deny", "no", "client_token"));
        assertThat(answered.approvals()).isEmpty();
        assertThat(answered.settledRequest("perm_1")).isTrue();
        assertThat(answered.answerOf("c1")).hasValueSatisfying(a -> {
            assertThat(a.allowed()).isFalse();
            assertThat(a.message()).isEqualTo("no");
        });
    }

    @Test
    void onlyTheFirstAnswerCountsAndARepeatedRequestStaysOneRequest() {
        SessionWaits waits = fold(REQUEST, REQUEST, new PermissionAnswered("perm_1", "allow", null, "api_key:k"),
                new PermissionAnswered("perm_1", "deny", null, "api_key:k"), REQUEST);
        assertThat(waits.approvals()).isEmpty();
        assertThat(waits.answerOf("c1")).hasValueSatisfying(a -> assertThat(a.allowed()).isTrue());
    }

    @Test
    void anExpiryIsADenyNobodyGave() {
        SessionWaits waits = fold(REQUEST, new PermissionExpired("perm_1"));
        assertThat(waits.answerOf("c1")).hasValueSatisfying(a -> {
            assertThat(a.allowed()).isFalse();
            assertThat(a.expired()).isTrue();
        });
    }

    @Test
    void aClientCallWaitsForItsResult() {
        ClientToolCalled call = new ClientToolCalled("c2", "refund", Map.of("amount", 5));
        assertThat(fold(call).clientCall("c2")).isPresent();
        SessionWaits done = fold(call, new ToolResult("c2", "refund", "refunded", false));
        assertThat(done.clientCalls()).isEmpty();
        assertThat(done.settledCall("c2")).isTrue();
    }

    @Test
    void aCancelSettlesEverythingPendingSoItCannotBeAnsweredAfterwards() {
        SessionWaits waits = fold(REQUEST, new ClientToolCalled("c2", "refund", Map.of()), new RunCancelled("requested"),
                new PermissionAnswered("perm_1", "allow", null, "client_token"));
        assertThat(waits.waiting()).isFalse();
        assertThat(waits.settledRequest("perm_1")).isTrue();
        assertThat(waits.settledCall("c2")).isTrue();
        assertThat(waits.answerOf("c1")).as("an answer after the cancel is ignored").isEmpty();
    }
}
