package dev.opencomputer.sdk.sessions;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * {@code budget.warning}: The session used 80 % or more of one of its budgets (once per kind and limit).
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param kind      {@code tokens}, {@code cost_usd} or {@code run_time}
 * @param used      what was used, in the kind's unit (tokens, US dollars, seconds)
 * @param limit     the limit, in the same unit
 */
public record BudgetWarning(long seq, String sessionId, Instant time, String kind, BigDecimal used, BigDecimal limit)
        implements StoredEvent {

    public static final String TYPE = "budget.warning";

    @Override
    public String type() {
        return TYPE;
    }
}
