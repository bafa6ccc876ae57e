package dev.opencomputer.sdk.sessions;

import java.math.BigDecimal;

/**
 * A session's budget as the server reports it ({@link Sessions#budget}, {@link Session#budget()}):
 * the limits in force (the session's own where set, else its agent version's), what it spent over
 * its whole life, and the {@code budget.exhausted} in force (null when none). A field a server does
 * not send is null.
 */
public record SessionBudget(Budget limits, Spent spent, Exhausted exhausted) {

    /**
     * @param runTime       seconds of running time, a run in progress counting until the answer
     * @param unpricedCalls model calls whose model has no price (counted in tokens only)
     */
    public record Spent(long tokens, BigDecimal costUsd, double runTime, long unpricedCalls) {
    }

    /** @param kind {@code tokens}, {@code cost_usd} or {@code run_time}; figures in its unit */
    public record Exhausted(String kind, BigDecimal used, BigDecimal limit) {
    }
}
