package dev.opencomputer.server.usage;

/**
 * What one session (or, with a null {@code sessionId}, all of them) used in a time range.
 *
 * @param runningSeconds seconds during which a run was in progress (millisecond precision); idle and
 *                       hibernated time is not counted
 */
public record SessionUsage(String sessionId, double runningSeconds, long modelCalls, long inputTokens,
        long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens) {
}
