package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.PermissionPolicy.Rule;
import dev.opencomputer.brain.acp.AcpConnection;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PermissionAnswered;
import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionWaits;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AcpPermissionsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final SessionId SESSION = SessionId.next(NOW);
    /** The options the Claude agent offers for a tool call. */
    private static final String REQUEST = """
            {"sessionId": "s1", "toolCall": {"toolCallId": "toolu_1", "title": "echo hi", "kind": "execute",
              "rawInput": {"command": "echo hi"}},
             "options": [{"kind": "allow_always", "name": "Always Allow", "optionId": "allow_always"},
                         {"kind": "allow_once", "name": "Allow", "optionId": "allow"},
                         {"kind": "reject_once", "name": "Reject", "optionId": "reject"}]}""";

    private final SessionWaits waits = new SessionWaits();

    private AcpPermissions permissions(PermissionPolicy policy) {
        return new AcpPermissions(new PermissionGate(policy, () -> waits, Clock.fixed(NOW, ZoneOffset.UTC),
                new SplittableRandom(3)));
    }

    private static AcpPermissions.Ask ask() {
        return AcpPermissions.Ask.of(AcpConnection.JSON.readTree(REQUEST));
    }

    private static String chosen(AcpPermissions.Ask ask) {
        JsonNode reply = ask.reply().getNow(null);
        assertThat(reply).as("answered").isNotNull();
        JsonNode outcome = reply.path("outcome");
        return outcome.path("outcome").asString().equals("selected") ? outcome.path("optionId").asString() : "cancelled";
    }

    @Test
    void anAllowedCallGetsTheAgentsAllowOnceOptionAndADeniedOneItsRejectOption() {
        AcpPermissions.Ask allowed = ask();
        assertThat(permissions(PermissionPolicy.ALLOW_ALL).decide(allowed, "Bash")).isEmpty();
        assertThat(chosen(allowed)).isEqualTo("allow");

        AcpPermissions.Ask denied = ask();
        assertThat(permissions(PermissionPolicy.of(Rule.ALLOW, Map.of("Bash", Rule.DENY), null)).decide(denied, "Bash"))
                .isEmpty();
        assertThat(chosen(denied)).isEqualTo("reject");
    }

    @Test
    void anAskedCallWaitsUntilTheLogHasTheAnswer() {
        AcpPermissions permissions = permissions(PermissionPolicy.of(Rule.ALLOW, Map.of("Bash", Rule.ASK), null));
        AcpPermissions.Ask ask = ask();
        permissions.register(ask);
        Optional<PermissionRequested> request = permissions.decide(ask, "Bash");
        assertThat(request).hasValueSatisfying(r -> {
            assertThat(r.callId()).isEqualTo("toolu_1");
            assertThat(r.tool()).isEqualTo("Bash");
            assertThat(r.input()).containsEntry("command", "echo hi");
        });
        assertThat(permissions.waiting()).isTrue();
        assertThat(permissions.recheck()).as("no answer yet").isFalse();
        assertThat(ask.reply()).isNotDone();

        waits.apply(new LoggedEvent(SESSION, 1, NOW, request.get()));
        waits.apply(new LoggedEvent(SESSION, 2, NOW, new PermissionAnswered(request.get().requestId(), "allow", null,
                "client_token")));
        assertThat(permissions.recheck()).isTrue();
        assertThat(chosen(ask)).isEqualTo("allow");
        assertThat(permissions.waiting()).isFalse();
    }

    @Test
    void aStopAnswersEveryOpenRequestCancelled() {
        AcpPermissions permissions = permissions(PermissionPolicy.of(Rule.ASK, Map.of(), null));
        AcpPermissions.Ask waiting = ask();
        AcpPermissions.Ask queued = ask();
        permissions.register(waiting);
        permissions.register(queued);
        permissions.decide(waiting, "Bash");
        permissions.cancelAll();
        assertThat(chosen(waiting)).isEqualTo("cancelled");
        assertThat(chosen(queued)).isEqualTo("cancelled");
        assertThat(permissions.waiting()).isFalse();
    }
}
