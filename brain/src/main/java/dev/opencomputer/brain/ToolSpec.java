package dev.opencomputer.brain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool offered to the model, in the shape every provider understands.
 *
 * @param name             1–64 letters, digits, {@code _} or {@code -}
 * @param description      what the tool does and when to use it, for the model
 * @param inputSchemaJson  a JSON Schema object describing the input, as JSON text
 */
public record ToolSpec(String name, String description, String inputSchemaJson) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ToolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchemaJson, "inputSchemaJson");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a tool name is 1-64 letters, digits, _ or -: " + name);
        }
        if (!inputSchemaJson.strip().startsWith("{")) {
            throw new IllegalArgumentException("the input schema of " + name + " must be a JSON object");
        }
    }
}
