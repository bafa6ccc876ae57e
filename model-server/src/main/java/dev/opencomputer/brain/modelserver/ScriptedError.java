package dev.opencomputer.brain.modelserver;

import java.time.Duration;

/**
 * An error a scripted turn answers with instead of a message.
 *
 * @param status     the HTTP status, 400–599 (e.g. 429, 500, 529)
 * @param type       the provider's error type, or {@code null} for the usual one for the status
 *                   ({@code rate_limit_error}, {@code overloaded_error}, {@code server_error}, …)
 * @param message    the error message, or {@code null} for a generic one
 * @param retryAfter sent as {@code retry-after} (whole seconds) and {@code retry-after-ms}, or
 *                   {@code null} for none
 * @param midStream  for streaming requests: answer 200, stream the first text delta, then send
 *                   the error as an SSE error event (non-streaming requests get the plain error)
 */
public record ScriptedError(int status, String type, String message, Duration retryAfter, boolean midStream) {

    public ScriptedError {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status must be 400..599, not " + status);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative");
        }
    }

    /** A plain error with the given status. */
    public static ScriptedError of(int status) {
        return new ScriptedError(status, null, null, null, false);
    }

    /** The same error with a retry-after header. */
    public ScriptedError withRetryAfter(Duration retryAfter) {
        return new ScriptedError(status, type, message, retryAfter, midStream);
    }

    /** The same error, sent in the middle of a streamed response. */
    public ScriptedError inMidStream() {
        return new ScriptedError(status, type, message, retryAfter, true);
    }

    String anthropicType() {
        if (type != null) {
            return type;
        }
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    String openAiType() {
        if (type != null) {
            return type;
        }
        return switch (status) {
            case 401 -> "invalid_request_error";
            case 429 -> "rate_limit_exceeded";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    String messageOrDefault() {
        if (message != null) {
            return message;
        }
        return switch (status) {
            case 429 -> "Rate limited by the scripted model server.";
            case 529 -> "Overloaded (scripted).";
            default -> "Scripted error " + status + ".";
        };
    }
}
