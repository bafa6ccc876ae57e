package dev.opencomputer.session;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The session used 80 % or more of one of its budgets; appended once per kind and limit (a new
 * limit of that kind, by {@link BudgetChanged}, warns again). {@code kind} is a
 * {@link BudgetKind#wireName()}; {@code used} and {@code limit} are in the kind's unit.
 * Wire name {@value #TYPE}.
 */
public record BudgetWarning(String kind, BigDecimal used, BigDecimal limit) implements SessionEvent {

    public static final String TYPE = "budget.warning";

    public BudgetWarning {
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
