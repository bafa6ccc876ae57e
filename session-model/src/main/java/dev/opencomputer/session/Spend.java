package dev.opencomputer.session;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a session spent so far, over its whole log.
 *
 * @param tokens         tokens of every kind, added up
 * @param costUsd        dollars of the calls whose model has a price
 * @param runTimeMillis  running time in milliseconds (a run in progress counting until the fold's "now")
 * @param unpricedCalls  calls whose model had no price (they count tokens only)
 */
public record Spend(long tokens, BigDecimal costUsd, long runTimeMillis, long unpricedCalls) {

    public Spend {
        Objects.requireNonNull(costUsd, "costUsd");
    }

    /** What was used of {@code kind}, in its unit (seconds for run time, to the millisecond). */
    public BigDecimal used(BudgetKind kind) {
        return switch (kind) {
            case TOKENS -> BigDecimal.valueOf(tokens);
            case COST_USD -> costUsd;
            case RUN_TIME -> plain(BigDecimal.valueOf(runTimeMillis, 3));
        };
    }

    /** {@code value} without trailing zeros, and never in exponent form ({@code 60}, not {@code 6E+1}). */
    public static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** All the tokens of one response, as a {@link BudgetKind#TOKENS} budget counts them. */
    public static long tokens(TokenUsage usage) {
        return usage.inputTokens() + usage.outputTokens() + usage.cacheReadInputTokens()
                + usage.cacheCreationInputTokens();
    }
}
