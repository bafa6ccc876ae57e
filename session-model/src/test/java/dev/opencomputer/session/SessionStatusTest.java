package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionStatusTest {

    private static final SessionStarted STARTED =
            new SessionStarted(AgentId.next(Instant.EPOCH), 1, "model", null, Map.of());

    @Test
    void aNewSessionWithItsFirstMessageIsPending() {
        assertThat(SessionStatus.fold(List.of(STARTED, new UserMessage("hello")))).isEqualTo(SessionStatus.PENDING);
    }

    @Test
    void aRunGoesFromRunningToIdleWhenTheModelEndsItsTurn() {
        var events = List.<SessionEvent>of(STARTED, new UserMessage("hello"), new RunStarted(),
                new CommandRun("c1", "ls", null), new CommandExited("c1", 0, "", false, 3));
        assertThat(SessionStatus.fold(events)).isEqualTo(SessionStatus.RUNNING);
        assertThat(SessionStatus.RUNNING.after(new SessionIdle())).isEqualTo(SessionStatus.IDLE);
    }

    @Test
    void aMessageMidRunKeepsTheSessionRunningAndAMessageToAnIdleOneMakesItPending() {
        assertThat(SessionStatus.RUNNING.after(new UserMessage("steer"))).isEqualTo(SessionStatus.RUNNING);
        assertThat(SessionStatus.IDLE.after(new UserMessage("next"))).isEqualTo(SessionStatus.PENDING);
        assertThat(SessionStatus.HIBERNATED.after(new UserMessage("wake up"))).isEqualTo(SessionStatus.PENDING);
        assertThat(SessionStatus.FAILED.after(new UserMessage("retry"))).isEqualTo(SessionStatus.PENDING);
    }

    @Test
    void anExhaustedBudgetStopsTheRunAsExhaustedUntilTheBudgetChanges() {
        java.math.BigDecimal ten = java.math.BigDecimal.TEN;
        assertThat(SessionStatus.RUNNING.after(new BudgetWarning("tokens", ten, ten))).isEqualTo(SessionStatus.RUNNING);
        assertThat(SessionStatus.RUNNING.after(new BudgetExhausted("tokens", ten, ten)))
                .isEqualTo(SessionStatus.EXHAUSTED);
        assertThat(SessionStatus.EXHAUSTED.after(new BudgetChanged(20L, null, null))).isEqualTo(SessionStatus.IDLE);
        assertThat(SessionStatus.IDLE.after(new BudgetChanged(20L, null, null))).isEqualTo(SessionStatus.IDLE);
        assertThat(SessionStatus.EXHAUSTED.after(new SessionHibernated())).isEqualTo(SessionStatus.HIBERNATED);
        assertThat(SessionStatus.parse("exhausted")).isEqualTo(SessionStatus.EXHAUSTED);
    }

    @Test
    void cancelledAndStuckRunsLeaveTheSessionIdle() {
        assertThat(SessionStatus.RUNNING.after(new RunCancelled("requested"))).isEqualTo(SessionStatus.IDLE);
        assertThat(SessionStatus.RUNNING.after(new RunStuck("no_progress", null))).isEqualTo(SessionStatus.IDLE);
    }

    @Test
    void onlyAnIdleSessionHibernatesSoAMessageThatArrivedMeanwhileIsNotForgotten() {
        assertThat(SessionStatus.IDLE.after(new SessionHibernated())).isEqualTo(SessionStatus.HIBERNATED);
        assertThat(SessionStatus.PENDING.after(new SessionHibernated())).isEqualTo(SessionStatus.PENDING);
    }

    @Test
    void wakingAHibernatedSessionMakesItIdleButDoesNotForgetPendingInput() {
        assertThat(SessionStatus.HIBERNATED.after(new SessionWoke())).isEqualTo(SessionStatus.IDLE);
        assertThat(SessionStatus.PENDING.after(new SessionWoke())).isEqualTo(SessionStatus.PENDING);
    }

    @Test
    void aClosedSessionStaysClosedWhateverFollows() {
        SessionStatus closed = SessionStatus.IDLE.after(new SessionClosed("done"));
        assertThat(closed).isEqualTo(SessionStatus.CLOSED);
        assertThat(closed.after(new UserMessage("late"))).isEqualTo(SessionStatus.CLOSED);
        assertThat(closed.after(new RunStarted())).isEqualTo(SessionStatus.CLOSED);
        assertThat(closed.isTerminal()).isTrue();
    }

    @Test
    void unknownEventsLeaveTheStatusAlone() {
        assertThat(SessionStatus.IDLE.after(new UnknownEvent("future.event", Map.of("x", 1))))
                .isEqualTo(SessionStatus.IDLE);
    }

    @Test
    void wireNamesRoundTripAndAnythingElseIsRejected() {
        for (SessionStatus status : SessionStatus.values()) {
            assertThat(SessionStatus.parse(status.wireName())).isEqualTo(status);
        }
        assertThatThrownBy(() -> SessionStatus.parse("RUNNING")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPermissionRequestOrAClientToolCallMakesTheSessionWaitUntilItsAnswerMakesItPending() {
        PermissionRequested request = new PermissionRequested("perm_1", "c1", "bash", Map.of(), null);
        assertThat(SessionStatus.RUNNING.after(request)).isEqualTo(SessionStatus.WAITING);
        assertThat(SessionStatus.RUNNING.after(new ClientToolCalled("c2", "refund", Map.of())))
                .isEqualTo(SessionStatus.WAITING);
        assertThat(SessionStatus.WAITING.after(new PermissionAnswered("perm_1", "allow", null, "client_token")))
                .isEqualTo(SessionStatus.PENDING);
        assertThat(SessionStatus.WAITING.after(new PermissionExpired("perm_1"))).isEqualTo(SessionStatus.PENDING);
        assertThat(SessionStatus.WAITING.after(new ToolResult("c2", "refund", "done", false)))
                .isEqualTo(SessionStatus.PENDING);
        assertThat(SessionStatus.RUNNING.after(new ToolResult("c3", "bash", "ok", false)))
                .isEqualTo(SessionStatus.RUNNING);
    }

    @Test
    void aWaitingSessionKeepsWaitingThroughAMessageAndHibernationAndACancelMakesItIdle() {
        assertThat(SessionStatus.WAITING.after(new UserMessage("any news?"))).isEqualTo(SessionStatus.WAITING);
        assertThat(SessionStatus.WAITING.after(new SessionHibernated())).isEqualTo(SessionStatus.WAITING);
        assertThat(SessionStatus.WAITING.after(new SessionWoke())).isEqualTo(SessionStatus.WAITING);
        assertThat(SessionStatus.WAITING.after(new RunCancelled("requested"))).isEqualTo(SessionStatus.IDLE);
        assertThat(SessionStatus.WAITING.isIdleLike()).isTrue();
        assertThat(SessionStatus.WAITING.isRunnable()).isFalse();
    }
}
