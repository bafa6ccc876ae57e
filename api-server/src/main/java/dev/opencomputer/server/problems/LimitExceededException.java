package dev.opencomputer.server.problems;

import java.time.Duration;

/** A tenant reached one of its tier's limits; retrying after {@code retryAfter} may succeed. */
public class LimitExceededException extends RuntimeException {

    private final String limit;
    private final long max;
    private final Duration retryAfter;

    public LimitExceededException(String limit, long max, Duration retryAfter) {
        super("tenant limit " + limit + " of " + max + " reached");
        this.limit = limit;
        this.max = max;
        this.retryAfter = retryAfter;
    }

    public String limit() {
        return limit;
    }

    public long max() {
        return max;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
