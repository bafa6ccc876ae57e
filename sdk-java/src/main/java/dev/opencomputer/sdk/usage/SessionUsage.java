package dev.opencomputer.sdk.usage;

import dev.opencomputer.sdk.sessions.SessionBudget;
import java.math.BigDecimal;

/**
 * What one session (or, with a null {@code sessionId}, all of them) used in a time range.
 *
 * @param runningSeconds seconds during which a run was in progress; idle and hibernated time is not counted
 * @param costUsd        dollars of the model calls in the range, by the server's price table
 * @param budget         the session's budget now; null in the total
 */
public record SessionUsage(String sessionId, double runningSeconds, long modelCalls, long inputTokens,
        long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens, BigDecimal costUsd,
        SessionBudget budget) {
}
