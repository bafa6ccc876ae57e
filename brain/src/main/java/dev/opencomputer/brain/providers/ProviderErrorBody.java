package dev.opencomputer.brain.providers;

import dev.opencomputer.brain.ModelCallException;
import dev.opencomputer.brain.ModelFailure;
import dev.opencomputer.brain.ModelProvider;
import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code error} of a provider's error response, both formats: Anthropic
 * {@code {"type":"error","error":{"type","message"}}}, OpenAI {@code {"error":{"type","code","message"}}}.
 *
 * @param type    the error type (or OpenAI code), empty when absent
 * @param message the provider's message, empty when absent
 */
record ProviderErrorBody(String type, String message) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    static final ProviderErrorBody EMPTY = new ProviderErrorBody("", "");

    /** Reads an error body; anything unreadable gives {@link #EMPTY}. */
    static ProviderErrorBody parse(String json) {
        if (json == null || json.isBlank()) {
            return EMPTY;
        }
        try {
            JsonNode error = MAPPER.readTree(json).path("error");
            if (!error.isObject()) {
                return EMPTY;
            }
            String type = error.path("type").asString("");
            String code = error.path("code").asString("");
            return new ProviderErrorBody(code.equals("rate_limit_exceeded") ? code : type,
                    error.path("message").asString(""));
        } catch (JacksonException e) {
            return EMPTY;
        }
    }

    /**
     * The failure for an HTTP error response (or, with status 200, an error event in a stream).
     * The message quotes the provider's message with {@code apiKey} redacted from it, except for
     * credential errors, whose provider messages can quote parts of the key and are left out.
     * The SDK's exception is deliberately not kept as the cause: its message holds the raw body.
     */
    ModelCallException failure(ModelProvider provider, int status, Duration retryAfter, String apiKey) {
        ModelFailure failure = status == 200 || status == 0 ? ModelFailure.forErrorType(type)
                : ModelFailure.forStatus(status);
        String where = status == 200 || status == 0 ? " in the response stream" : " (HTTP " + status + ")";
        String text = switch (failure) {
            case AUTHENTICATION -> provider + ": the API key was rejected" + where;
            case PERMISSION -> provider + ": the API key is not permitted to do this" + where;
            default -> provider + ": " + failure.describe() + where + quote(message, apiKey);
        };
        return new ModelCallException(provider, failure, text, status == 200 ? 0 : status, retryAfter, null);
    }

    private static String quote(String message, String apiKey) {
        if (message == null || message.isBlank()) {
            return "";
        }
        String safe = apiKey == null || apiKey.isBlank() ? message : message.replace(apiKey, "[redacted]");
        return ": " + (safe.length() > 500 ? safe.substring(0, 500) + "…" : safe);
    }
}
