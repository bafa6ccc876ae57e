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

    /**
     * The failure for an HTTP error response (or, with status 200, an error event in a stream).
     * The message quotes the provider's message with {@code apiKey} redacted from it, except for
     * credential errors, whose provider messages can quote parts of the key and are left out.
     * The SDK's exception is deliberately not kept as the cause: its message holds the raw body.
     */
    public static ModelCallException forHttpError(ModelProvider provider, int status, ProviderErrorBody body,
            Duration retryAfter, String apiKey) {
        ModelFailure failure = status == 200 || status == 0 ? ModelFailure.forErrorType(body.type())
                : ModelFailure.forStatus(status);
        String where = status == 200 || status == 0 ? " in the response stream" : " (HTTP " + status + ")";
        String message = switch (failure) {
            case AUTHENTICATION -> provider + ": the API key was rejected" + where;
            case PERMISSION -> provider + ": the API key is not permitted to do this" + where;
            default -> provider + ": " + failure.describe() + where + quote(body.message(), apiKey);
        };
        return new ModelCallException(provider, failure, message, status == 200 ? 0 : status, retryAfter, null);
    }

    /** The failure for a connection that could not be made or broke ({@code timedOut}: a read timeout). */
    public static ModelCallException forConnectionError(ModelProvider provider, boolean timedOut, Throwable cause) {
        return new ModelCallException(provider, timedOut ? ModelFailure.TIMEOUT : ModelFailure.CONNECTION,
                provider + ": " + (timedOut ? "timed out waiting for the provider" : "connection failed") + ": "
                        + cause, 0, null, cause);
    }

    private static String quote(String message, String apiKey) {
        if (message == null || message.isBlank()) {
            return "";
        }
        String safe = apiKey == null || apiKey.isBlank() ? message : message.replace(apiKey, "[redacted]");
        return ": " + (safe.length() > 500 ? safe.substring(0, 500) + "…" : safe);
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
