package dev.opencomputer.brain.modelserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One scripted model response: text and/or tool calls (optionally with a thinking block), or an
 * error, or a call that never answers. Each request the server receives plays the next turn.
 *
 * <p>{@code text} may use two placeholders, filled from the request being answered:
 * {@code {{lastToolResult}}} (the content of the last tool result) and
 * {@code {{lastUserMessage}}} (the text of the last user message).
 *
 * @param text        the assistant text, empty for none
 * @param thinking    an extended-thinking block to send before the text (Anthropic only), empty
 *                    for none
 * @param toolCalls   the tool calls, in order
 * @param stopReason  the Anthropic-style stop reason ({@code end_turn}, {@code tool_use},
 *                    {@code max_tokens}, {@code refusal}, …), or {@code null} to derive it:
 *                    {@code tool_use} when there are tool calls, else {@code end_turn}; OpenAI
 *                    finish reasons are mapped from it
 * @param usage       the token usage to report, or {@code null} to estimate it from the sizes
 * @param delay       how long to wait before answering
 * @param deltaDelay  how long to wait between streamed deltas
 * @param hang        whether (and where) the response stops forever
 * @param error       the error to answer with, or {@code null}
 */
public record ScriptedTurn(
        String text,
        String thinking,
        List<ScriptedToolCall> toolCalls,
        String stopReason,
        ScriptedUsage usage,
        Duration delay,
        Duration deltaDelay,
        Hang hang,
        ScriptedError error) {

    /** Where a hanging turn stops. */
    public enum Hang {
        /** Answers normally. */
        NONE,
        /** Never sends a status line: the client sees a read timeout or must abandon the call. */
        BEFORE_RESPONSE,
        /** Streaming: sends the start of the message and the first delta, then nothing more. */
        MID_STREAM
    }

    /** Token usage reported for a scripted turn. */
    /**
     * The usage a turn reports: uncached input, output, and input read from / written to the
     * provider's prompt cache (Anthropic {@code cache_read_input_tokens} /
     * {@code cache_creation_input_tokens}; OpenAI counts all input in {@code prompt_tokens} and the
     * cache reads in {@code prompt_tokens_details.cached_tokens}).
     */
    public record ScriptedUsage(long inputTokens, long outputTokens, long cacheReadInputTokens,
            long cacheCreationInputTokens) {
        public ScriptedUsage {
            if (inputTokens < 0 || outputTokens < 0 || cacheReadInputTokens < 0 || cacheCreationInputTokens < 0) {
                throw new IllegalArgumentException("token counts cannot be negative");
            }
        }

        /** Usage without cache tokens. */
        public ScriptedUsage(long inputTokens, long outputTokens) {
            this(inputTokens, outputTokens, 0, 0);
        }
    }

    public ScriptedTurn {
        text = text == null ? "" : text;
        thinking = thinking == null ? "" : thinking;
        toolCalls = List.copyOf(toolCalls == null ? List.of() : toolCalls);
        delay = delay == null ? Duration.ZERO : delay;
        deltaDelay = deltaDelay == null ? Duration.ZERO : deltaDelay;
        hang = hang == null ? Hang.NONE : hang;
        if (delay.isNegative() || deltaDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        if (text.isEmpty() && thinking.isEmpty() && toolCalls.isEmpty() && hang == Hang.NONE && error == null) {
            throw new IllegalArgumentException("a turn needs text, thinking, tool calls, an error or a hang");
        }
        if (error != null && hang != Hang.NONE) {
            throw new IllegalArgumentException("a turn cannot both fail and hang");
        }
    }

    /** A turn that answers with text and ends the model's turn. */
    public static ScriptedTurn text(String text) {
        return new ScriptedTurn(Objects.requireNonNull(text), "", List.of(), null, null, null, null, Hang.NONE, null);
    }

    /** A turn that calls one tool; {@code inputJson} is a JSON object. */
    public static ScriptedTurn toolCall(String name, String inputJson) {
        return new ScriptedTurn("", "", List.of(ScriptedToolCall.of(name, inputJson)), null, null, null, null,
                Hang.NONE, null);
    }

    /** A turn that never answers (until the server closes or {@link ModelServer#releaseHangs()}). */
    public static ScriptedTurn hanging() {
        return new ScriptedTurn("", "", List.of(), null, null, null, null, Hang.BEFORE_RESPONSE, null);
    }

    /** A turn that answers with an HTTP error of the given status. */
    public static ScriptedTurn error(int status) {
        return failing(ScriptedError.of(status));
    }

    /** A turn that answers with the given error. */
    public static ScriptedTurn failing(ScriptedError error) {
        return new ScriptedTurn("", "", List.of(), null, null, null, null, Hang.NONE, Objects.requireNonNull(error));
    }

    public ScriptedTurn withText(String newText) {
        return new ScriptedTurn(newText, thinking, toolCalls, stopReason, usage, delay, deltaDelay, hang, error);
    }

    public ScriptedTurn withThinking(String newThinking) {
        return new ScriptedTurn(text, newThinking, toolCalls, stopReason, usage, delay, deltaDelay, hang, error);
    }

    /** The same turn with one more tool call. */
    public ScriptedTurn withToolCall(String name, String inputJson) {
        List<ScriptedToolCall> calls = new ArrayList<>(toolCalls);
        calls.add(ScriptedToolCall.of(name, inputJson));
        return new ScriptedTurn(text, thinking, calls, stopReason, usage, delay, deltaDelay, hang, error);
    }

    public ScriptedTurn withStopReason(String newStopReason) {
        return new ScriptedTurn(text, thinking, toolCalls, newStopReason, usage, delay, deltaDelay, hang, error);
    }

    /** This turn reporting cache reads and writes as well. */
    public ScriptedTurn withUsage(long inputTokens, long outputTokens, long cacheReadInputTokens,
            long cacheCreationInputTokens) {
        return new ScriptedTurn(text, thinking, toolCalls, stopReason,
                new ScriptedUsage(inputTokens, outputTokens, cacheReadInputTokens, cacheCreationInputTokens),
                delay, deltaDelay, hang, error);
    }

    public ScriptedTurn withUsage(long inputTokens, long outputTokens) {
        return new ScriptedTurn(text, thinking, toolCalls, stopReason, new ScriptedUsage(inputTokens, outputTokens),
                delay, deltaDelay, hang, error);
    }

    public ScriptedTurn withDelay(Duration newDelay) {
        return new ScriptedTurn(text, thinking, toolCalls, stopReason, usage, newDelay, deltaDelay, hang, error);
    }

    public ScriptedTurn withDeltaDelay(Duration newDeltaDelay) {
        return new ScriptedTurn(text, thinking, toolCalls, stopReason, usage, delay, newDeltaDelay, hang, error);
    }

    /** The same turn, but a streamed answer stops forever after its first delta. */
    public ScriptedTurn hangingMidStream() {
        return new ScriptedTurn(text.isEmpty() ? "…" : text, thinking, toolCalls, stopReason, usage, delay, deltaDelay,
                Hang.MID_STREAM, error);
    }

    /** The stop reason to report, Anthropic vocabulary. */
    String effectiveStopReason() {
        if (stopReason != null) {
            return stopReason;
        }
        return toolCalls.isEmpty() ? "end_turn" : "tool_use";
    }
}
