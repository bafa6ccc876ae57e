package dev.opencomputer.server.usage;

import dev.opencomputer.server.budgets.BudgetView;
import java.math.BigDecimal;

/**
 * What one session (or, with a null {@code sessionId}, all of them) used in a time range.
 *
 * @param runningSeconds seconds during which a run was in progress (millisecond precision); idle and
 *                       hibernated time is not counted
 * @param costUsd        dollars of the model calls in the range, by the price table (calls of a
 *                       model without a price count nothing)
 * @param budget         the session's budget now: its limits in force and the {@code budget.exhausted}
 *                       in force, if any (its lifetime spend is in {@code GET /v1/sessions/{id}});
 *                       null in the total
 */
public record SessionUsage(String sessionId, double runningSeconds, long modelCalls, long inputTokens,
        long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens, BigDecimal costUsd,
        BudgetView budget) {
}
