package dev.opencomputer.sdk.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One block of an {@link AgentMessage}, in the order the model produced them. A block type this SDK
 * does not know is an {@link Other} holding the raw JSON.
 */
public sealed interface ContentBlock {

    /** Text for the user. */
    record Text(String text) implements ContentBlock {
    }

    /** Visible thinking; the signature is the provider's, needed to send it back. */
    record Thinking(String thinking, String signature) implements ContentBlock {
    }

    /** Thinking the provider keeps encrypted. */
    record RedactedThinking(String data) implements ContentBlock {
    }

    /**
     * The model asks to call a tool.
     *
     * @param id the call id, which the call's {@code command.*} / {@code tool.*} events carry as {@code callId}
     */
    record ToolUse(String id, String name, Map<String, Object> input) implements ContentBlock {
        public ToolUse {
            input = input == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(input));
        }
    }

    /** A block of a type this SDK does not know. */
    record Other(String type, JsonNode json) implements ContentBlock {
    }

    /** Reads a block from its JSON; never fails on an unknown type. */
    @JsonCreator
    static ContentBlock of(JsonNode json) {
        String type = json.path("type").asString("");
        Class<? extends ContentBlock> known = switch (type) {
            case "text" -> Text.class;
            case "thinking" -> Thinking.class;
            case "redacted_thinking" -> RedactedThinking.class;
            case "tool_use" -> ToolUse.class;
            default -> null;
        };
        if (known != null && json.isObject()) {
            try {
                return EventJson.JSON.treeToValue(json, known);
            } catch (RuntimeException e) {
                // kept raw below
            }
        }
        return new Other(type, json);
    }
}
