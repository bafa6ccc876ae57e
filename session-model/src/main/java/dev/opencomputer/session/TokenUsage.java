package dev.opencomputer.session;

/**
 * Tokens one model response cost: input (not counting cached), output, input read from the
 * provider's prompt cache, and input written to it.
 */
public record TokenUsage(
        long inputTokens, long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens) {

    /** No tokens, for responses whose usage the provider did not report. */
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0 || cacheReadInputTokens < 0 || cacheCreationInputTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    /** The sum of both, field by field. */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadInputTokens + other.cacheReadInputTokens,
                cacheCreationInputTokens + other.cacheCreationInputTokens);
    }
}
