package dev.opencomputer.brain;

import java.util.List;
import java.util.Objects;

/**
 * One step of the conversation sent to the model, folded from the session's log: what the user
 * said, what the model answered (text and tool calls), and what each tool call returned.
 */
public sealed interface Turn permits Turn.User, Turn.Assistant, Turn.ToolResult {

    /** A user message (the session input, or a message sent while it ran). */
    record User(String text) implements Turn {
        public User {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("a user message needs text");
            }
        }
    }

    /**
     * A complete model response, as stored in {@code agent.message}.
     *
     * @param text      the text, empty for none
     * @param toolCalls the tool calls, each of which must be answered by a {@link ToolResult}
     *                  before the next assistant turn
     * @param thinking  Anthropic thinking blocks to send back with it (ignored by OpenAI)
     */
    record Assistant(String text, List<ToolCall> toolCalls, List<Thinking> thinking) implements Turn {
        public Assistant {
            text = text == null ? "" : text;
            toolCalls = List.copyOf(toolCalls == null ? List.of() : toolCalls);
            thinking = List.copyOf(thinking == null ? List.of() : thinking);
        }

        /** Whether it carries anything a provider accepts (text or tool calls). */
        public boolean isEmpty() {
            return text.isBlank() && toolCalls.isEmpty();
        }
    }

    /**
     * The outcome of a tool call.
     *
     * @param toolCallId the {@link ToolCall#id()} it answers
     * @param content    what the tool returned (or why it failed), as text for the model
     * @param error      whether the call failed (sent as Anthropic {@code is_error}; OpenAI gets
     *                   the content prefixed with {@code Error:})
     */
    record ToolResult(String toolCallId, String content, boolean error) implements Turn {
        public ToolResult {
            Objects.requireNonNull(toolCallId, "toolCallId");
            content = content == null ? "" : content;
        }
    }

    static User user(String text) {
        return new User(text);
    }

    static Assistant assistant(String text, List<ToolCall> toolCalls) {
        return new Assistant(text, toolCalls, List.of());
    }

    static ToolResult result(String toolCallId, String content) {
        return new ToolResult(toolCallId, content, false);
    }

    static ToolResult failure(String toolCallId, String content) {
        return new ToolResult(toolCallId, content, true);
    }
}
