package dev.opencomputer.sdk.sessions;

/** What a model response cost, in tokens. */
public record TokenUsage(long inputTokens, long outputTokens, long cacheReadInputTokens,
        long cacheCreationInputTokens) {
}
