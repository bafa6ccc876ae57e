package dev.opencomputer.brain.modelserver;

import java.util.List;

/**
 * One message of a recorded request's conversation, in a provider-neutral shape: an Anthropic
 * user message carrying tool results becomes one {@code tool} message per result followed by a
 * {@code user} message for its text, just as OpenAI sends them.
 *
 * @param role       {@code user}, {@code assistant} or {@code tool}
 * @param text       the text (user or assistant text, or the tool result's content)
 * @param toolCalls  the assistant's tool calls
 * @param toolCallId for a {@code tool} message, the call it answers
 * @param error      for a {@code tool} message, whether it was flagged as an error (Anthropic)
 */
public record RecordedMessage(String role, String text, List<RecordedToolCall> toolCalls, String toolCallId,
        boolean error) {

    /** A tool call made by an assistant message of the request. */
    public record RecordedToolCall(String id, String name, String inputJson) {
    }

    public RecordedMessage {
        text = text == null ? "" : text;
        toolCalls = List.copyOf(toolCalls == null ? List.of() : toolCalls);
    }

    static RecordedMessage user(String text) {
        return new RecordedMessage("user", text, List.of(), null, false);
    }

    static RecordedMessage assistant(String text, List<RecordedToolCall> calls) {
        return new RecordedMessage("assistant", text, calls, null, false);
    }

    static RecordedMessage toolResult(String toolCallId, String content, boolean error) {
        return new RecordedMessage("tool", content, List.of(), toolCallId, error);
    }

    public boolean isUser() {
        return role.equals("user");
    }

    public boolean isAssistant() {
        return role.equals("assistant");
    }

    public boolean isToolResult() {
        return role.equals("tool");
    }
}
