package dev.opencomputer.brain;

import java.util.List;
import java.util.Objects;

/**
 * A complete model response.
 *
 * @param id         the provider's id for it
 * @param model      the model that answered
 * @param text       the text (all text blocks joined), empty for none
 * @param toolCalls  the tool calls to run, in order
 * @param thinking   Anthropic thinking blocks, to keep with the turn
 * @param stopReason why the model stopped; run the tool calls whenever there are any, whatever it says
 * @param usage      tokens consumed
 */
public record ModelResponse(String id, String model, String text, List<ToolCall> toolCalls, List<Thinking> thinking,
        StopReason stopReason, TokenUsage usage) {

    public ModelResponse {
        id = id == null ? "" : id;
        model = model == null ? "" : model;
        text = text == null ? "" : text;
        toolCalls = List.copyOf(toolCalls == null ? List.of() : toolCalls);
        thinking = List.copyOf(thinking == null ? List.of() : thinking);
        Objects.requireNonNull(stopReason, "stopReason");
        usage = usage == null ? TokenUsage.NONE : usage;
    }

    /** The response as the assistant turn to append to the conversation. */
    public Turn.Assistant toTurn() {
        return new Turn.Assistant(text, toolCalls, thinking);
    }
}
