package dev.opencomputer.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Prices per model name. A model is found by its exact name, else by the longest name in the
 * table it starts with followed by {@code -} (so {@code claude-sonnet-4-5-20250929} costs what
 * {@code claude-sonnet-4-5} costs). A model not found has no price: its calls count tokens only.
 * Immutable and thread-safe.
 */
public record PriceTable(Map<String, ModelPrice> prices) {

    /**
     * The list prices (USD per million tokens, at the time of writing) of the models
     * {@code GET …/config-options} offers by default. {@code docs/budgets.md} lists the same.
     */
    public static final PriceTable DEFAULTS = new PriceTable(defaults());

    public PriceTable {
        prices = Map.copyOf(prices == null ? Map.of() : prices);
    }

    /** This table with {@code overrides} added, replacing entries of the same name. */
    public PriceTable with(Map<String, ModelPrice> overrides) {
        Map<String, ModelPrice> merged = new LinkedHashMap<>(prices);
        merged.putAll(overrides);
        return new PriceTable(merged);
    }

    /** The price of {@code model}, empty when the table has none. */
    public Optional<ModelPrice> price(String model) {
        if (model == null) {
            return Optional.empty();
        }
        ModelPrice exact = prices.get(model);
        if (exact != null) {
            return Optional.of(exact);
        }
        String best = null;
        for (String name : prices.keySet()) {
            if (model.startsWith(name + "-") && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        return Optional.ofNullable(best == null ? null : prices.get(best));
    }

    private static Map<String, ModelPrice> defaults() {
        Map<String, ModelPrice> table = new LinkedHashMap<>();
        table.put("claude-sonnet-4-5", ModelPrice.of("3", "15", "0.30", "3.75"));
        table.put("claude-opus-4-1", ModelPrice.of("15", "75", "1.50", "18.75"));
        table.put("claude-haiku-4-5", ModelPrice.of("1", "5", "0.10", "1.25"));
        table.put("gpt-5", ModelPrice.of("1.25", "10", "0.125", "1.25"));
        table.put("gpt-5-mini", ModelPrice.of("0.25", "2", "0.025", "0.25"));
        table.put("gpt-4.1", ModelPrice.of("2", "8", "0.50", "2"));
        return table;
    }
}
