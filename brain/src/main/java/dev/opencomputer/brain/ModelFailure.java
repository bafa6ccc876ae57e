package dev.opencomputer.brain;

import java.util.Locale;

/**
 * Why a model call failed, classified once: {@link #retryable()} tells whether trying the same
 * call again later can succeed.
 */
public enum ModelFailure {
    /** HTTP 429: slow down, honouring the provider's retry-after. */
    RATE_LIMITED(true),
    /** HTTP 529 / 503, or an {@code overloaded_error} in the stream. */
    OVERLOADED(true),
    /** Any other HTTP 5xx, or an {@code api_error} in the stream. */
    SERVER_ERROR(true),
    /** HTTP 408, a read timeout, or no complete response within the request's timeout. */
    TIMEOUT(true),
    /** HTTP 409 (the provider's own transient conflict). */
    CONFLICT(true),
    /** The connection could not be made or broke (refused, reset, DNS). */
    CONNECTION(true),
    /** HTTP 400 / 413 / 422: the request itself is wrong (e.g. too long a conversation). */
    INVALID_REQUEST(false),
    /** HTTP 401: the key is missing, wrong or revoked. */
    AUTHENTICATION(false),
    /** HTTP 403: the key may not use this model or feature. */
    PERMISSION(false),
    /** HTTP 404: no such model, or a wrong base URL. */
    NOT_FOUND(false),
    /** The response could not be understood (not the provider's wire format). */
    PROTOCOL(false),
    /** The call was cancelled by the caller. */
    CANCELLED(false),
    /** Anything else, e.g. an unexpected HTTP status. */
    OTHER(false);

    private final boolean retryable;

    ModelFailure(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether the same call may succeed if tried again later. */
    public boolean retryable() {
        return retryable;
    }

    /** The failure an HTTP error status means. */
    public static ModelFailure forStatus(int status) {
        return switch (status) {
            case 400, 413, 422 -> INVALID_REQUEST;
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 408 -> TIMEOUT;
            case 409 -> CONFLICT;
            case 429 -> RATE_LIMITED;
            case 503, 529 -> OVERLOADED;
            default -> status >= 500 && status <= 599 ? SERVER_ERROR : OTHER;
        };
    }

    /** The failure an error type in a provider's error body means, for errors without a useful status. */
    public static ModelFailure forErrorType(String type) {
        if (type == null) {
            return SERVER_ERROR;
        }
        return switch (type) {
            case "rate_limit_error", "rate_limit_exceeded", "requests", "tokens" -> RATE_LIMITED;
            case "overloaded_error" -> OVERLOADED;
            case "invalid_request_error", "request_too_large" -> INVALID_REQUEST;
            case "authentication_error" -> AUTHENTICATION;
            case "permission_error" -> PERMISSION;
            case "not_found_error" -> NOT_FOUND;
            case "timeout_error" -> TIMEOUT;
            default -> SERVER_ERROR;
        };
    }

    /** A few words for messages, e.g. {@code rate limited}. */
    public String describe() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
