package dev.opencomputer.sdk.sessions;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * {@code session.budget_changed}: the session's own budget from now on (at its start, or by
 * {@link Sessions#changeBudget}); a null field falls back to the agent version's limit. A change
 * lifts an exhaustion.
 *
 * @param seq        its position in the session's log
 * @param sessionId  the session
 * @param time       when it happened
 * @param maxRunTime seconds
 */
public record BudgetChanged(long seq, String sessionId, Instant time, Long maxTokens, BigDecimal maxCostUsd,
        Long maxRunTime) implements StoredEvent {

    public static final String TYPE = "session.budget_changed";

    @Override
    public String type() {
        return TYPE;
    }
}
