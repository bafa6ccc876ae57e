package dev.opencomputer.server.budgets;

import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.BudgetLimits;
import dev.opencomputer.session.Spend;
import java.math.BigDecimal;

/**
 * A session's budget as the API shows it: the limits in force (the session's own where set, else
 * the agent version's; a null field is no limit), what it spent, and the {@code budget.exhausted}
 * in force (null when none).
 */
public record BudgetView(Limits limits, Spent spent, Exhausted exhausted) {

    /** @param maxRunTime seconds */
    public record Limits(Long maxTokens, BigDecimal maxCostUsd, Long maxRunTime) {

        static Limits of(BudgetLimits limits) {
            return new Limits(limits.maxTokens(), limits.maxCostUsd(), limits.maxRunTime());
        }
    }

    /**
     * @param runTime       seconds of running time, a run in progress counting until now
     * @param unpricedCalls model calls whose model has no price (counted in tokens only)
     */
    public record Spent(long tokens, BigDecimal costUsd, double runTime, long unpricedCalls) {

        static Spent of(Spend spend) {
            return new Spent(spend.tokens(), spend.costUsd(), spend.runTimeMillis() / 1000.0, spend.unpricedCalls());
        }
    }

    /** @param kind {@code tokens}, {@code cost_usd} or {@code run_time} */
    public record Exhausted(String kind, BigDecimal used, BigDecimal limit) {

        static Exhausted of(BudgetExhausted e) {
            return new Exhausted(e.kind(), e.used(), e.limit());
        }
    }
}
