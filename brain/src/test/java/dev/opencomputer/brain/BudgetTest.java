package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.BudgetChanged;
import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.BudgetLimits;
import dev.opencomputer.session.BudgetWarning;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PriceTable;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetTest {

    private static final SessionId SESSION = SessionId.next(Instant.EPOCH);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final String MODEL = "claude-sonnet-4-5";

    private long seq;

    private void append(Budget budget, SessionEvent... events) {
        for (SessionEvent event : events) {
            budget.apply(new LoggedEvent(SESSION, ++seq, T0, event));
        }
    }

    private static AgentMessage response(long in, long out) {
        return new AgentMessage(null, MODEL, List.of(), "end_turn", new TokenUsage(in, out, 0, 0));
    }

    @Test
    void crossingEightyPercentWarnsOnceAndReachingTheLimitExhausts() {
        Budget budget = new Budget(new BudgetLimits(1_000L, null, null), PriceTable.DEFAULTS);
        append(budget, new RunStarted(), response(300, 200));
        assertThat(budget.due(T0)).isEmpty();
        append(budget, response(200, 150));
        List<SessionEvent> due = budget.due(T0);
        assertThat(due).containsExactly(new BudgetWarning("tokens", new BigDecimal("850"), new BigDecimal("1000")));
        append(budget, due.toArray(SessionEvent[]::new));
        assertThat(budget.due(T0)).as("warned once").isEmpty();
        append(budget, response(100, 100));
        due = budget.due(T0);
        assertThat(due).containsExactly(new BudgetExhausted("tokens", new BigDecimal("1050"), new BigDecimal("1000")));
        append(budget, due.toArray(SessionEvent[]::new));
        assertThat(budget.due(T0)).as("exhausted once").isEmpty();
        assertThat(budget.exhausted()).isTrue();
    }

    @Test
    void aCallWhoseInputAloneWouldCrossTheLimitIsRefusedBeforeItIsMade() {
        Budget budget = new Budget(new BudgetLimits(1_000L, null, null), PriceTable.DEFAULTS);
        append(budget, response(500, 100));
        assertThat(budget.refuses(MODEL, 300, T0)).isEmpty();
        assertThat(budget.refuses(MODEL, 401, T0))
                .contains(new BudgetExhausted("tokens", new BigDecimal("1001"), new BigDecimal("1000")));
    }

    @Test
    void aCostBudgetCountsDollarsByThePriceTable() {
        Budget budget = new Budget(new BudgetLimits(null, new BigDecimal("0.01"), null), PriceTable.DEFAULTS);
        append(budget, response(1_000, 400)); // 0.003 + 0.006
        List<SessionEvent> due = budget.due(T0);
        assertThat(due).containsExactly(new BudgetWarning("cost_usd", new BigDecimal("0.009"), new BigDecimal("0.01")));
        // a 400-token input at $3 / M is $0.0012: more than the $0.001 left
        assertThat(budget.refuses(MODEL, 400, T0)).map(BudgetExhausted::kind).contains("cost_usd");
        assertThat(budget.refuses(MODEL, 300, T0)).isEmpty();
    }

    @Test
    void runTimeIsCheckedAgainstTheRunInProgress() {
        Budget budget = new Budget(new BudgetLimits(null, null, 60L), PriceTable.DEFAULTS);
        append(budget, new RunStarted());
        assertThat(budget.due(T0.plus(Duration.ofSeconds(47)))).isEmpty();
        assertThat(budget.due(T0.plus(Duration.ofSeconds(48))))
                .containsExactly(new BudgetWarning("run_time", new BigDecimal("48"), new BigDecimal("60")));
        assertThat(budget.refuses(MODEL, 1, T0.plus(Duration.ofSeconds(60)))).map(BudgetExhausted::kind)
                .contains("run_time");
    }

    @Test
    void theRunTimeDeadlineIsNowPlusWhatIsLeftWhileARunIsInProgress() {
        Budget budget = new Budget(new BudgetLimits(null, null, 60L), PriceTable.DEFAULTS);
        assertThat(budget.runTimeDeadline(T0)).as("no run").isEmpty();
        append(budget, new RunStarted());
        assertThat(budget.runTimeDeadline(T0.plusSeconds(20))).contains(T0.plusSeconds(60));
        assertThat(new Budget(BudgetLimits.NONE, PriceTable.DEFAULTS).runTimeDeadline(T0)).isEmpty();
    }

    @Test
    void aRaisedBudgetLiftsTheExhaustionAndWarnsAgainAtEightyPercentOfTheNewLimit() {
        Budget budget = new Budget(new BudgetLimits(1_000L, null, null), PriceTable.DEFAULTS);
        append(budget, response(900, 200), new BudgetWarning("tokens", new BigDecimal("1100"), new BigDecimal("1000")),
                new BudgetExhausted("tokens", new BigDecimal("1100"), new BigDecimal("1000")));
        assertThat(budget.refuses(MODEL, 1, T0)).isPresent();
        append(budget, new BudgetChanged(1_300L, null, null));
        assertThat(budget.exhausted()).isFalse();
        assertThat(budget.limits().maxTokens()).isEqualTo(1_300L);
        assertThat(budget.due(T0)).containsExactly(
                new BudgetWarning("tokens", new BigDecimal("1100"), new BigDecimal("1300")));
        assertThat(budget.refuses(MODEL, 100, T0)).isEmpty();
    }

    @Test
    void theEstimateIsAboutFourCharactersPerToken() {
        ModelRequest request = ModelRequest.builder(ModelEndpoint.defaultFor(ModelProvider.ANTHROPIC), MODEL)
                .system("x".repeat(400)).conversation(List.of(Turn.user("y".repeat(400)))).build();
        assertThat(Budget.estimateInputTokens(request)).isEqualTo(200);
    }
}
