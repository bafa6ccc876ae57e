package dev.opencomputer.session;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The session reached one of its budgets: the run was stopped like a cancel (open tool calls
 * answered), the status is {@code exhausted}, and a message is refused ({@code 409
 * budget-exhausted}) until a {@link BudgetChanged}. {@code kind} is a {@link BudgetKind#wireName()};
 * {@code used} and {@code limit} are in the kind's unit ({@code used} may include an estimate of
 * a call that was refused before it was made, see {@code docs/budgets.md}).
 * Wire name {@value #TYPE}.
 */
public record BudgetExhausted(String kind, BigDecimal used, BigDecimal limit) implements SessionEvent {

    public static final String TYPE = "budget.exhausted";

    public BudgetExhausted {
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
