package dev.opencomputer.brain;

import java.util.Locale;

/**
 * How much the model should reason before answering: Anthropic extended thinking with a token
 * budget, OpenAI {@code reasoning_effort}.
 */
public enum ThinkingLevel {
    /** No extended thinking; no reasoning setting is sent. */
    OFF(0),
    LOW(2_048),
    MEDIUM(8_192),
    HIGH(24_576);

    private final int anthropicBudgetTokens;

    ThinkingLevel(int anthropicBudgetTokens) {
        this.anthropicBudgetTokens = anthropicBudgetTokens;
    }

    /** The Anthropic {@code budget_tokens} for this level (0 for {@link #OFF}). */
    public int anthropicBudgetTokens() {
        return anthropicBudgetTokens;
    }

    /** The name used in configuration and the API: {@code off}, {@code low}, {@code medium}, {@code high}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ThinkingLevel parse(String wireName) {
        for (ThinkingLevel level : values()) {
            if (level.wireName().equals(wireName)) {
                return level;
            }
        }
        throw new IllegalArgumentException("unknown thinking level \"" + wireName + "\" (known: off, low, medium, high)");
    }
}
