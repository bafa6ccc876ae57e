package dev.opencomputer.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One block of a model response, kept as the provider returned it so that the conversation can
 * be sent back verbatim: text, thinking (with the provider's signature, required to send it
 * back), redacted thinking, and tool uses. On the wire a block is an object with a {@code type}
 * of {@code text}, {@code thinking}, {@code redacted_thinking} or {@code tool_use}.
 */
public sealed interface ContentBlock {

    /** Text for the user. */
    record Text(String text) implements ContentBlock {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Visible thinking and the provider's signature over it (null when there is none). */
    record Thinking(String thinking, String signature) implements ContentBlock {
        public Thinking {
            Objects.requireNonNull(thinking, "thinking");
        }
    }

    /** Thinking the provider returned encrypted; sent back as is. */
    record RedactedThinking(String data) implements ContentBlock {
        public RedactedThinking {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * The model asks to run tool {@code name} with {@code input} (plain JSON values); {@code id}
     * is the call id that {@link ToolCallStarted#callId()} and {@link ToolCallFinished#callId()}
     * refer to.
     */
    record ToolUse(String id, String name, Map<String, Object> input) implements ContentBlock {
        public ToolUse {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            input = input == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(input));
        }
    }
}
