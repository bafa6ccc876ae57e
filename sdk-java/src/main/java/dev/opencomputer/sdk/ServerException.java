package dev.opencomputer.sdk;

import java.time.Duration;
import java.util.Optional;

/**
 * 5xx: the server or one of its dependencies failed, after the client's retries. The server
 * promises that a failed request changed nothing; details are only in its log under
 * {@link #requestId()}.
 */
public class ServerException extends ApiException {

    private final Duration retryAfter;

    public ServerException(Problem problem, String requestId, Duration retryAfter) {
        super(problem, requestId);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked to wait ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
