package dev.opencomputer.brain;

/**
 * Tokens a model call consumed.
 *
 * @param inputTokens              prompt tokens, including tokens read from or written to a prompt cache
 * @param outputTokens             generated tokens, including thinking
 * @param cacheReadInputTokens     of {@code inputTokens}, those read from the provider's prompt cache
 * @param cacheCreationInputTokens of {@code inputTokens}, those written to it
 */
public record TokenUsage(long inputTokens, long outputTokens, long cacheReadInputTokens,
        long cacheCreationInputTokens) {

    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0 || cacheReadInputTokens < 0 || cacheCreationInputTokens < 0
                || cacheReadInputTokens + cacheCreationInputTokens > inputTokens) {
            throw new IllegalArgumentException("token counts must not be negative, and cache tokens are part of the input");
        }
    }

    /** Usage without a prompt cache. */
    public TokenUsage(long inputTokens, long outputTokens) {
        this(inputTokens, outputTokens, 0, 0);
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadInputTokens + other.cacheReadInputTokens,
                cacheCreationInputTokens + other.cacheCreationInputTokens);
    }

    /** The same figures as stored in {@code agent.message}, where the input excludes the cache tokens. */
    public dev.opencomputer.session.TokenUsage stored() {
        return new dev.opencomputer.session.TokenUsage(inputTokens - cacheReadInputTokens - cacheCreationInputTokens,
                outputTokens, cacheReadInputTokens, cacheCreationInputTokens);
    }
}
