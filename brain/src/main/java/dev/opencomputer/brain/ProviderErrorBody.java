package dev.opencomputer.brain;

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
public record ProviderErrorBody(String type, String message) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public static final ProviderErrorBody EMPTY = new ProviderErrorBody("", "");

    /** Reads an error body; anything unreadable gives {@link #EMPTY}. */
    public static ProviderErrorBody parse(String json) {
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
}
