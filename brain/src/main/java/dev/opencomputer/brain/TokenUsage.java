package dev.opencomputer.brain;

/**
 * Tokens a model call consumed.
 *
 * @param inputTokens  prompt tokens, including tokens read from or written to a prompt cache
 * @param outputTokens generated tokens, including thinking
 */
public record TokenUsage(long inputTokens, long outputTokens) {

    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens);
    }
}
