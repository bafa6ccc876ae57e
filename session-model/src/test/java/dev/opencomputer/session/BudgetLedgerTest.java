package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetLedgerTest {

    private static final SessionId SESSION = SessionId.next(Instant.EPOCH);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private final BudgetLedger ledger = new BudgetLedger(PriceTable.DEFAULTS);
    private long seq;

    private void at(Duration after, SessionEvent event) {
        ledger.apply(new LoggedEvent(SESSION, ++seq, T0.plus(after), event));
    }

    private static AgentMessage message(String model, long in, long out, long cacheRead, long cacheWrite) {
        return new AgentMessage(null, model, List.of(), "end_turn", new TokenUsage(in, out, cacheRead, cacheWrite));
    }

    @Test
    void tokensOfEveryKindAndTheirPriceAddUpAcrossResponses() {
        at(Duration.ZERO, new RunStarted());
        at(Duration.ofSeconds(1), message("claude-sonnet-4-5", 1_000, 500, 2_000, 100));
        at(Duration.ofSeconds(2), message("claude-sonnet-4-5-20250929", 1_000, 0, 0, 0));
        at(Duration.ofSeconds(3), message("local-model", 10, 10, 0, 0));
        Spend spend = ledger.spend(T0.plus(Duration.ofSeconds(3)));
        assertThat(spend.tokens()).isEqualTo(1_000 + 500 + 2_000 + 100 + 1_000 + 20);
        // 1000*3 + 500*15 + 2000*0.30 + 100*3.75 + 1000*3 = 14475 per million
        assertThat(spend.costUsd()).isEqualByComparingTo("0.014475");
        assertThat(spend.unpricedCalls()).isEqualTo(1);
    }

    @Test
    void runTimeCountsRunsOnlyAndARunInProgressUntilNow() {
        at(Duration.ZERO, new RunStarted());
        at(Duration.ofSeconds(10), new SessionIdle());
        at(Duration.ofSeconds(100), new UserMessage("again"));
        at(Duration.ofSeconds(100), new RunStarted());
        at(Duration.ofSeconds(105), new BudgetExhausted("tokens", BigDecimal.TEN, BigDecimal.TEN));
        at(Duration.ofSeconds(200), new RuntimeRestarted(5));
        assertThat(ledger.spend(T0.plus(Duration.ofSeconds(203))).used(BudgetKind.RUN_TIME))
                .isEqualByComparingTo("18");
    }

    @Test
    void theSessionsOwnLimitsReplaceTheAgentsKindByKindAndAChangeLiftsAnExhaustion() {
        BudgetLimits agent = new BudgetLimits(1_000L, new BigDecimal("2"), 60L);
        at(Duration.ZERO, new BudgetChanged(500L, null, null));
        assertThat(ledger.limits(agent)).isEqualTo(new BudgetLimits(500L, new BigDecimal("2"), 60L));
        at(Duration.ofSeconds(1), new BudgetWarning("tokens", new BigDecimal("400"), new BigDecimal("500")));
        at(Duration.ofSeconds(2), new BudgetExhausted("tokens", new BigDecimal("600"), new BigDecimal("500")));
        assertThat(ledger.warned(BudgetKind.TOKENS, new BigDecimal("500"))).isTrue();
        assertThat(ledger.exhausted()).isPresent();
        at(Duration.ofSeconds(3), new BudgetChanged(5_000L, null, null));
        assertThat(ledger.exhausted()).isEmpty();
        assertThat(ledger.warned(BudgetKind.TOKENS, new BigDecimal("5000"))).isFalse();
    }

    @Test
    void anEventFoldedTwiceCountsOnce() {
        LoggedEvent message = new LoggedEvent(SESSION, 1, T0, message("claude-haiku-4-5", 100, 100, 0, 0));
        ledger.apply(message);
        ledger.apply(message);
        assertThat(ledger.spend(T0).tokens()).isEqualTo(200);
    }

    @Test
    void aSessionBudgetAboveTheAgentsIsFoundKindByKind() {
        BudgetLimits agent = new BudgetLimits(1_000L, null, 60L);
        assertThat(new BudgetLimits(2_000L, new BigDecimal("5"), 30L).above(agent)).containsExactly(BudgetKind.TOKENS);
    }
}
