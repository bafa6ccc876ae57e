package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.PermissionGate.Verdict;
import dev.opencomputer.brain.PermissionPolicy.Rule;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PermissionAnswered;
import dev.opencomputer.session.PermissionExpired;
import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionWaits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PermissionGateTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final SessionId SESSION = SessionId.next(NOW);

    private final SessionWaits waits = new SessionWaits();
    private long seq;

    private PermissionGate gate(PermissionPolicy policy) {
        return new PermissionGate(policy, () -> waits, CLOCK, new SplittableRandom(7));
    }

    private void logged(SessionEvent event) {
        waits.apply(new LoggedEvent(SESSION, ++seq, NOW, event));
    }

    @Test
    void anExactNameBeatsAPrefixAndALongerPrefixAShorterOne() {
        PermissionPolicy policy = PermissionPolicy.of(Rule.ASK, Map.of("mcp__*", Rule.DENY, "mcp__github__*", Rule.ALLOW,
                "mcp__github__delete_repo", Rule.ASK), null);
        assertThat(policy.decide("mcp__github__list_issues")).isEqualTo(Rule.ALLOW);
        assertThat(policy.decide("mcp__github__delete_repo")).isEqualTo(Rule.ASK);
        assertThat(policy.decide("mcp__slack__post")).isEqualTo(Rule.DENY);
        assertThat(policy.decide("bash")).isEqualTo(Rule.ASK);
    }

    @Test
    void aSessionCanOnlyTightenItsAgentsPolicy() {
        PermissionPolicy agent = PermissionPolicy.of(Rule.ALLOW, Map.of("bash", Rule.ASK, "write_file", Rule.DENY), null);
        PermissionPolicy tightened = agent.tightenedBy(new PermissionPolicy.Rules(Rule.ALLOW,
                Map.of("bash", Rule.ALLOW, "write_file", Rule.ALLOW, "read_file", Rule.ASK)));
        assertThat(tightened.decide("bash")).as("a session's allow does not loosen an ask").isEqualTo(Rule.ASK);
        assertThat(tightened.decide("write_file")).isEqualTo(Rule.DENY);
        assertThat(tightened.decide("read_file")).isEqualTo(Rule.ASK);
        assertThat(tightened.decide("list_files")).isEqualTo(Rule.ALLOW);
        assertThat(PermissionPolicy.ALLOW_ALL.decide("anything")).isEqualTo(Rule.ALLOW);
    }

    @Test
    void anAskWaitsWithANewRequestThatExpiresAfterTheAgentsTimeout() {
        Verdict verdict = gate(PermissionPolicy.of(Rule.ASK, Map.of(), Duration.ofMinutes(5)))
                .check("c1", "bash", Map.of("command", "ls"));
        assertThat(verdict).isInstanceOfSatisfying(Verdict.Wait.class, wait -> {
            assertThat(wait.request().requestId()).startsWith("perm_");
            assertThat(wait.request().callId()).isEqualTo("c1");
            assertThat(wait.request().expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        });
    }

    @Test
    void aPendingRequestIsNeverAskedAgainAndItsAnswerDecides() {
        PermissionGate gate = gate(PermissionPolicy.of(Rule.ASK, Map.of(), null));
        PermissionRequested request = ((Verdict.Wait) gate.check("c1", "bash", Map.of())).request();
        logged(request);
        assertThat(gate.check("c1", "bash", Map.of())).isEqualTo(new Verdict.Wait(request));

        logged(new PermissionAnswered(request.requestId(), "allow", null, "client_token"));
        assertThat(gate.check("c1", "bash", Map.of())).isInstanceOf(Verdict.Allow.class);
    }

    @Test
    void aDenyCarriesThePersonsMessageAndAnExpiryTellsTheModelItTimedOut() {
        PermissionGate gate = gate(PermissionPolicy.of(Rule.ASK, Map.of(), null));
        logged(new PermissionRequested("perm_a", "c1", "bash", Map.of(), null));
        logged(new PermissionAnswered("perm_a", "deny", "not today", "api_key:k1"));
        assertThat(gate.check("c1", "bash", Map.of()))
                .isEqualTo(new Verdict.Deny("the user denied running bash: not today"));

        logged(new PermissionRequested("perm_b", "c2", "bash", Map.of(), null));
        logged(new PermissionExpired("perm_b"));
        assertThat(gate.check("c2", "bash", Map.of())).isInstanceOfSatisfying(Verdict.Deny.class,
                deny -> assertThat(deny.message()).contains("not answered in time"));
    }

    @Test
    void aDenyRuleNeverAsksAndAnAllowRuleNeverWaits() {
        PermissionGate gate = gate(PermissionPolicy.of(Rule.ALLOW, Map.of("bash", Rule.DENY), null));
        assertThat(gate.check("c1", "bash", Map.of())).isInstanceOf(Verdict.Deny.class);
        assertThat(gate.check("c2", "read_file", Map.of())).isInstanceOf(Verdict.Allow.class);
    }
}
