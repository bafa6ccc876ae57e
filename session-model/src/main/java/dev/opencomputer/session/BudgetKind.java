package dev.opencomputer.session;

import java.util.Locale;

/**
 * What a budget limits, with the unit its {@code used} and {@code limit} figures are in: tokens
 * (input, output, cache read and cache write, all counted), US dollars from the price table, and
 * seconds of running time as {@link UsageMeter} counts it (idle and hibernated time excluded).
 */
public enum BudgetKind {
    TOKENS, COST_USD, RUN_TIME;

    /** The lowercase wire name: {@code tokens}, {@code cost_usd}, {@code run_time}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
