package dev.opencomputer.sdk.sessions;

import java.math.BigDecimal;

/**
 * Spending limits of an agent's sessions ({@code budget} of an agent) or of one session (its own
 * budget, which may only lower the agent's at the start). A null field is no limit (in a request:
 * not sent).
 *
 * @param maxTokens  tokens of every kind (input, output, cache read and write) added up
 * @param maxCostUsd US dollars by the server's price table; the model needs a price
 * @param maxRunTime seconds of running time (idle and hibernated time excluded)
 */
public record Budget(Long maxTokens, BigDecimal maxCostUsd, Long maxRunTime) {

    public static Budget tokens(long maxTokens) {
        return new Budget(maxTokens, null, null);
    }

    public static Budget costUsd(String maxCostUsd) {
        return new Budget(null, new BigDecimal(maxCostUsd), null);
    }

    public static Budget runTimeSeconds(long maxRunTime) {
        return new Budget(null, null, maxRunTime);
    }
}
