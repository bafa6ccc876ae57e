package dev.opencomputer.session;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The most a session may spend: tokens, dollars and running time; a null field is no limit.
 *
 * @param maxTokens  tokens of every kind added up (see {@link BudgetKind#TOKENS}); at least 1
 * @param maxCostUsd US dollars by the price table; more than 0
 * @param maxRunTime seconds of running time; at least 1
 */
public record BudgetLimits(Long maxTokens, BigDecimal maxCostUsd, Long maxRunTime) {

    /** No limit at all. */
    public static final BudgetLimits NONE = new BudgetLimits(null, null, null);

    public BudgetLimits {
        if (maxTokens != null && maxTokens < 1 || maxRunTime != null && maxRunTime < 1
                || maxCostUsd != null && maxCostUsd.signum() <= 0) {
            throw new IllegalArgumentException("budget limits must be positive");
        }
    }

    /** Whether nothing is limited. */
    public boolean isEmpty() {
        return maxTokens == null && maxCostUsd == null && maxRunTime == null;
    }

    /** The limit of {@code kind} in its unit, empty when there is none. */
    public Optional<BigDecimal> limit(BudgetKind kind) {
        return Optional.ofNullable(switch (kind) {
            case TOKENS -> maxTokens == null ? null : BigDecimal.valueOf(maxTokens);
            case COST_USD -> maxCostUsd;
            case RUN_TIME -> maxRunTime == null ? null : BigDecimal.valueOf(maxRunTime);
        });
    }

    /** These limits where set, else {@code fallback}'s, field by field. */
    public BudgetLimits over(BudgetLimits fallback) {
        return new BudgetLimits(maxTokens != null ? maxTokens : fallback.maxTokens,
                maxCostUsd != null ? maxCostUsd : fallback.maxCostUsd,
                maxRunTime != null ? maxRunTime : fallback.maxRunTime);
    }

    /** The kinds {@code this} sets higher than {@code ceiling} does (a kind the ceiling leaves open is never higher). */
    public List<BudgetKind> above(BudgetLimits ceiling) {
        List<BudgetKind> higher = new ArrayList<>();
        for (BudgetKind kind : BudgetKind.values()) {
            Optional<BigDecimal> mine = limit(kind);
            Optional<BigDecimal> theirs = ceiling.limit(kind);
            if (mine.isPresent() && theirs.isPresent() && mine.get().compareTo(theirs.get()) > 0) {
                higher.add(kind);
            }
        }
        return higher;
    }
}
