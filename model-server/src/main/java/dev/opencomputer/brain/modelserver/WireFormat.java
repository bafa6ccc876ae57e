package dev.opencomputer.brain.modelserver;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;

import tools.jackson.databind.JsonNode;

/** One provider's wire format: how its requests read and how its answers and errors are written. */
sealed interface WireFormat permits AnthropicWire, OpenAiWire, ResponsesWire {

    /** {@code anthropic} or {@code openai}. */
    String provider();

    /** The neutral view of a request body; throws {@link IllegalArgumentException} when malformed. */
    ParsedRequest read(JsonNode body);

    /** The prefix of server-derived tool call ids. */
    String toolCallIdPrefix();

    /** Writes a complete answer, streamed or not as the request asked. */
    void answer(HttpExchange exchange, ParsedRequest request, Reply reply, Playback playback)
            throws IOException, InterruptedException;

    /** Writes an error response. */
    void fail(HttpExchange exchange, ScriptedError error) throws IOException;

    /**
     * A request, as far as the server needs to understand it.
     *
     * @param freeformTools the tools the request declares as freeform ({@code "type": "custom"} in the
     *                      Responses API, e.g. codex's {@code apply_patch}): their calls carry raw text, not JSON
     */
    record ParsedRequest(String model, boolean stream, boolean includeUsage, String system,
            List<RecordedMessage> messages, List<String> toolNames, Set<String> freeformTools) {

        public ParsedRequest {
            freeformTools = Set.copyOf(freeformTools);
        }

        ParsedRequest(String model, boolean stream, boolean includeUsage, String system,
                List<RecordedMessage> messages, List<String> toolNames) {
            this(model, stream, includeUsage, system, messages, toolNames, Set.of());
        }
    }

    /**
     * What to answer: one assistant message. {@code inputTokens} is the uncached input; the cache
     * reads and writes come on top of it.
     */
    record Reply(String id, String model, String text, String thinking, String signature,
            List<RecordedMessage.RecordedToolCall> toolCalls, String stopReason, long inputTokens, long outputTokens,
            long cacheReadInputTokens, long cacheCreationInputTokens) {
    }

    /** How a streamed answer is paced, and whether it breaks off. */
    record Playback(Duration deltaDelay, boolean hangMidStream, ScriptedError midStreamError, Waits waits) {

        /** Called after each delta: waits the delta delay. */
        void pace() throws InterruptedException {
            if (!deltaDelay.isZero()) {
                waits.pause(deltaDelay);
            }
        }

        /** Whether the stream stops after the first delta (hang or error). */
        boolean breaksOff() {
            return hangMidStream || midStreamError != null;
        }
    }

    /** The server's interruptible waits: both end early when the server closes or releases hangs. */
    interface Waits {
        void pause(Duration duration) throws InterruptedException;

        void hangUntilReleased() throws InterruptedException;
    }

    /** Splits text into word-sized deltas, each keeping its trailing whitespace. */
    static List<String> deltas(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                parts.add(text.substring(start, i));
                start = i;
            } else {
                i++;
            }
        }
        if (start < text.length()) {
            parts.add(text.substring(start));
        }
        return parts;
    }

    /** Splits a JSON text into two partial pieces, as providers stream tool input. */
    static List<String> jsonPieces(String json) {
        if (json.length() < 2) {
            return List.of(json);
        }
        int middle = json.length() / 2;
        return List.of(json.substring(0, middle), json.substring(middle));
    }
}
