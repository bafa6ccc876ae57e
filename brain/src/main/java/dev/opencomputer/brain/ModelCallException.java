package dev.opencomputer.brain;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A model call that did not produce a response, classified once (see {@link ModelFailure}).
 * The message is safe to store and show: it never contains the API key.
 */
public class ModelCallException extends Exception {

    private final ModelProvider provider;
    private final ModelFailure failure;
    private final int httpStatus;
    private final Duration retryAfter;

    /**
     * @param httpStatus the HTTP status, or 0 when there was none
     * @param retryAfter how long the provider asked to wait, or {@code null}
     */
    public ModelCallException(ModelProvider provider, ModelFailure failure, String message, int httpStatus,
            Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.provider = Objects.requireNonNull(provider);
        this.failure = Objects.requireNonNull(failure);
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    /** The failure for a connection that could not be made or broke ({@code timedOut}: a read timeout). */
    public static ModelCallException forConnectionError(ModelProvider provider, boolean timedOut, Throwable cause) {
        return new ModelCallException(provider, timedOut ? ModelFailure.TIMEOUT : ModelFailure.CONNECTION,
                provider + ": " + (timedOut ? "timed out waiting for the provider" : "connection failed") + ": "
                        + cause, 0, null, cause);
    }

    public ModelProvider provider() {
        return provider;
    }

    public ModelFailure failure() {
        return failure;
    }

    /** Whether the same call may succeed if tried again later. */
    public boolean retryable() {
        return failure.retryable();
    }

    /** The HTTP status of the error response, if there was one. */
    public OptionalInt httpStatus() {
        return httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    /** How long the provider asked to wait before trying again ({@code retry-after}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
