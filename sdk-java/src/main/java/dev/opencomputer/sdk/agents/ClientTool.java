package dev.opencomputer.sdk.agents;

import java.util.Map;
import java.util.Objects;

/**
 * A tool your backend runs: the model sees {@code name}, {@code description} and the JSON Schema
 * {@code inputSchema} (an object schema); a call arrives as a {@code client_tool.called} event.
 */
public record ClientTool(String name, String description, Map<String, Object> inputSchema) {

    public ClientTool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
    }
}
