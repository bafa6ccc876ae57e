package dev.opencomputer.brain.modelserver;

import java.util.Objects;

/**
 * One tool call a scripted turn makes.
 *
 * @param id        the call id to send, or {@code null} to let the server derive a stable one
 *                  ({@code toolu_…} for Anthropic, {@code call_…} for OpenAI)
 * @param name      the tool name, e.g. {@code bash}
 * @param inputJson the tool input, a JSON object in text form
 */
public record ScriptedToolCall(String id, String name, String inputJson) {

    public ScriptedToolCall {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool call needs a name");
        }
        Objects.requireNonNull(inputJson, "inputJson");
        if (!Json.isObject(inputJson)) {
            throw new IllegalArgumentException("the input of tool call " + name + " must be a JSON object: " + inputJson);
        }
        inputJson = Json.canonical(inputJson);
    }

    /** A call with a server-derived id. */
    public static ScriptedToolCall of(String name, String inputJson) {
        return new ScriptedToolCall(null, name, inputJson);
    }
}
