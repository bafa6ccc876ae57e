package dev.opencomputer.brain;

import java.util.Objects;

/**
 * A tool call the model made.
 *
 * @param id        the provider's id for the call, which its result must quote
 * @param name      the tool's name
 * @param inputJson the tool input as JSON text, exactly as the model produced it (normally an
 *                  object; models can produce invalid JSON, which the brain
 *                  reports as an input error for the model to fix)
 */
public record ToolCall(String id, String name, String inputJson) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        inputJson = inputJson == null || inputJson.isBlank() ? "{}" : inputJson;
    }
}
