package dev.opencomputer.sdk;

import java.time.Duration;
import java.util.Optional;

/**
 * 429: a limit was reached — for this API usually a limit of the tenant's tier (e.g. concurrent
 * running sessions), named in {@link #limit()}. Thrown after the client's own retries, or at once
 * when the server asked for a longer wait than the client is configured to sit through.
 */
public class RateLimitException extends ApiException {

    private final Duration retryAfter;

    public RateLimitException(Problem problem, String requestId, Duration retryAfter) {
        super(problem, requestId);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked to wait ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Which limit was reached, e.g. {@code maxRunningSessions}, if the server said. */
    public Optional<String> limit() {
        return problem().extension("limit");
    }
}
