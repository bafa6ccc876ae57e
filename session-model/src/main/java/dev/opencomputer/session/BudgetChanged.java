package dev.opencomputer.session;

import java.math.BigDecimal;

/**
 * The session's own budget, as a whole, from now on: set at the start (narrowing the agent's) or
 * later by {@code PATCH /v1/sessions/{id}/budget}. A null field falls back to the agent version's
 * limit of that kind. A change lifts a {@link BudgetExhausted} (the status goes from
 * {@code exhausted} to {@code idle}); the next run checks the spend against the new limits.
 * Wire name {@value #TYPE}.
 *
 * @param maxTokens  see {@link BudgetLimits#maxTokens()}
 * @param maxCostUsd see {@link BudgetLimits#maxCostUsd()}
 * @param maxRunTime seconds, see {@link BudgetLimits#maxRunTime()}
 */
public record BudgetChanged(Long maxTokens, BigDecimal maxCostUsd, Long maxRunTime) implements SessionEvent {

    public static final String TYPE = "session.budget_changed";

    /** The change that sets {@code limits}. */
    public static BudgetChanged to(BudgetLimits limits) {
        return new BudgetChanged(limits.maxTokens(), limits.maxCostUsd(), limits.maxRunTime());
    }

    /** The session's own limits this change sets. */
    public BudgetLimits limits() {
        return new BudgetLimits(maxTokens, maxCostUsd, maxRunTime);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
