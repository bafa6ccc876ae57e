package dev.opencomputer.sdk.sessions;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * {@code budget.exhausted}: The session reached one of its budgets: the run stopped, open calls were answered, and messages are refused (409 {@code budget-exhausted}) until the budget changes.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param kind      {@code tokens}, {@code cost_usd} or {@code run_time}
 * @param used      what was used, in the kind's unit (tokens, US dollars, seconds)
 * @param limit     the limit, in the same unit
 */
public record BudgetExhausted(long seq, String sessionId, Instant time, String kind, BigDecimal used, BigDecimal limit)
        implements StoredEvent {

    public static final String TYPE = "budget.exhausted";

    @Override
    public String type() {
        return TYPE;
    }
}
