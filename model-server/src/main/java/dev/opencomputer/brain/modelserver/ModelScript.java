package dev.opencomputer.brain.modelserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted conversation: the turns the server plays, one per model request, in order.
 *
 * <p>The JSON form is documented in {@code docs/model-server.md}; {@link #parse(String)} reads it
 * strictly (unknown fields are errors, so a typo never silently changes a test) and
 * {@link #toJson()} writes it back.
 *
 * @param turns       the turns, played in order
 * @param cursor      whether every conversation plays the script from its first turn, or all
 *                    requests share one position
 * @param onExhausted what a request gets once its conversation has played every turn
 */
public record ModelScript(List<ScriptedTurn> turns, Cursor cursor, Exhaustion onExhausted) {

    /** How requests are mapped to turns. */
    public enum Cursor {
        /**
         * Each conversation (identified by its system prompt and first user message) has its own
         * position, so concurrent sessions each play the script from the start.
         */
        PER_CONVERSATION("per-conversation"),
        /** One position shared by every request, whatever conversation it belongs to. */
        GLOBAL("global");

        private final String wireName;

        Cursor(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** What a request gets after the last turn. */
    public enum Exhaustion {
        /** A text answer that repeats the last user message and ends the turn. */
        ECHO("echo"),
        /** HTTP 500 with "script exhausted", so a test notices an unexpected extra call. */
        ERROR("error"),
        /** Starts again from the first turn. */
        LOOP("loop");

        private final String wireName;

        Exhaustion(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private static final String DEFAULT_SCRIPT = "default-script.json";
    private static final Set<String> SCRIPT_FIELDS = Set.of("turns", "cursor", "onExhausted", "description");
    private static final Set<String> TURN_FIELDS = Set.of("text", "thinking", "toolCalls", "stopReason", "usage",
            "delayMs", "deltaDelayMs", "hang", "error");
    private static final Set<String> TOOL_CALL_FIELDS = Set.of("id", "name", "input");
    private static final Set<String> USAGE_FIELDS = Set.of("inputTokens", "outputTokens", "cacheReadInputTokens",
            "cacheCreationInputTokens");
    private static final Set<String> ERROR_FIELDS = Set.of("status", "type", "message", "retryAfterSeconds",
            "retryAfterMs", "midStream");

    public ModelScript {
        turns = List.copyOf(turns);
        if (cursor == null) {
            cursor = Cursor.PER_CONVERSATION;
        }
        if (onExhausted == null) {
            onExhausted = Exhaustion.ECHO;
        }
    }

    /** A script of the given turns, one cursor per conversation, echoing once exhausted. */
    public static ModelScript of(ScriptedTurn... turns) {
        return new ModelScript(List.of(turns), Cursor.PER_CONVERSATION, Exhaustion.ECHO);
    }

    /** The same turns with another cursor mode. */
    public ModelScript withCursor(Cursor newCursor) {
        return new ModelScript(turns, newCursor, onExhausted);
    }

    /** The same turns with another exhaustion behaviour. */
    public ModelScript onExhausted(Exhaustion behaviour) {
        return new ModelScript(turns, cursor, behaviour);
    }

    /**
     * The demo script the runnable server plays when given none: write a small shell script,
     * run it, report its output; afterwards every message is echoed.
     */
    public static ModelScript defaultScript() {
        try (InputStream in = ModelScript.class.getResourceAsStream(DEFAULT_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the default model script is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a script file. */
    public static ModelScript load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model script " + file, e);
        }
    }

    /**
     * Parses the JSON form: an object {@code {turns, cursor?, onExhausted?}} or a bare array of
     * turns. Throws {@link InvalidModelScriptException} naming the offending place.
     */
    public static ModelScript parse(String json) {
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (JacksonException e) {
            throw new InvalidModelScriptException("a model script must be JSON: " + e.getOriginalMessage(), e);
        }
        if (root.isArray()) {
            return new ModelScript(turns(root, "turns"), Cursor.PER_CONVERSATION, Exhaustion.ECHO);
        }
        if (!root.isObject()) {
            throw new InvalidModelScriptException("a model script is a JSON object with \"turns\", or an array of turns");
        }
        requireKnown(root, SCRIPT_FIELDS, "script");
        JsonNode turns = root.get("turns");
        if (turns == null || !turns.isArray()) {
            throw new InvalidModelScriptException("turns: required, an array of turns");
        }
        return new ModelScript(turns(turns, "turns"),
                choice(root, "cursor", Cursor.values(), Cursor::wireName, Cursor.PER_CONVERSATION),
                choice(root, "onExhausted", Exhaustion.values(), Exhaustion::wireName, Exhaustion.ECHO));
    }

    private static List<ScriptedTurn> turns(JsonNode array, String path) {
        List<ScriptedTurn> turns = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            turns.add(turn(array.get(i), path + "[" + i + "]"));
        }
        return turns;
    }

    private static ScriptedTurn turn(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidModelScriptException(path + ": a turn must be a JSON object");
        }
        requireKnown(node, TURN_FIELDS, path);
        List<ScriptedToolCall> calls = new ArrayList<>();
        JsonNode toolCalls = node.get("toolCalls");
        if (toolCalls != null) {
            if (!toolCalls.isArray()) {
                throw new InvalidModelScriptException(path + ".toolCalls: must be an array");
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                calls.add(toolCall(toolCalls.get(i), path + ".toolCalls[" + i + "]"));
            }
        }
        ScriptedTurn.ScriptedUsage usage = null;
        JsonNode usageNode = node.get("usage");
        if (usageNode != null) {
            String usagePath = path + ".usage";
            if (!usageNode.isObject()) {
                throw new InvalidModelScriptException(usagePath + ": must be an object");
            }
            requireKnown(usageNode, USAGE_FIELDS, usagePath);
            usage = new ScriptedTurn.ScriptedUsage(nonNegative(usageNode, "inputTokens", usagePath, 0),
                    nonNegative(usageNode, "outputTokens", usagePath, 0),
                    nonNegative(usageNode, "cacheReadInputTokens", usagePath, 0),
                    nonNegative(usageNode, "cacheCreationInputTokens", usagePath, 0));
        }
        try {
            return new ScriptedTurn(
                    string(node, "text", path),
                    string(node, "thinking", path),
                    calls,
                    string(node, "stopReason", path),
                    usage,
                    Duration.ofMillis(nonNegative(node, "delayMs", path, 0)),
                    Duration.ofMillis(nonNegative(node, "deltaDelayMs", path, 0)),
                    hang(node.get("hang"), path + ".hang"),
                    error(node.get("error"), path + ".error"));
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidModelScriptException) {
                throw e;
            }
            throw new InvalidModelScriptException(path + ": " + e.getMessage(), e);
        }
    }

    private static ScriptedToolCall toolCall(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidModelScriptException(path + ": a tool call must be a JSON object");
        }
        requireKnown(node, TOOL_CALL_FIELDS, path);
        String name = string(node, "name", path);
        if (name == null || name.isBlank()) {
            throw new InvalidModelScriptException(path + ".name: required");
        }
        JsonNode input = node.get("input");
        if (input == null) {
            input = Json.object();
        } else if (!input.isObject()) {
            throw new InvalidModelScriptException(path + ".input: must be a JSON object");
        }
        return new ScriptedToolCall(string(node, "id", path), name, Json.write(input));
    }

    private static ScriptedTurn.Hang hang(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return ScriptedTurn.Hang.NONE;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? ScriptedTurn.Hang.BEFORE_RESPONSE : ScriptedTurn.Hang.NONE;
        }
        if (node.isString()) {
            switch (node.stringValue()) {
                case "before-response":
                    return ScriptedTurn.Hang.BEFORE_RESPONSE;
                case "mid-stream":
                    return ScriptedTurn.Hang.MID_STREAM;
                default:
                    break;
            }
        }
        throw new InvalidModelScriptException(path + ": must be true, false, \"before-response\" or \"mid-stream\"");
    }

    private static ScriptedError error(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidModelScriptException(path + ": must be an object with a status");
        }
        requireKnown(node, ERROR_FIELDS, path);
        JsonNode status = node.get("status");
        if (status == null || !status.isIntegralNumber()) {
            throw new InvalidModelScriptException(path + ".status: required, an HTTP status 400..599");
        }
        if (node.has("retryAfterSeconds") && node.has("retryAfterMs")) {
            throw new InvalidModelScriptException(path + ": give retryAfterSeconds or retryAfterMs, not both");
        }
        Duration retryAfter = null;
        if (node.has("retryAfterSeconds")) {
            retryAfter = Duration.ofSeconds(nonNegative(node, "retryAfterSeconds", path, 0));
        } else if (node.has("retryAfterMs")) {
            retryAfter = Duration.ofMillis(nonNegative(node, "retryAfterMs", path, 0));
        }
        JsonNode midStream = node.get("midStream");
        if (midStream != null && !midStream.isBoolean()) {
            throw new InvalidModelScriptException(path + ".midStream: must be true or false");
        }
        try {
            return new ScriptedError(status.intValue(), string(node, "type", path), string(node, "message", path),
                    retryAfter, midStream != null && midStream.booleanValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelScriptException(path + ".status: " + e.getMessage(), e);
        }
    }

    private static String string(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new InvalidModelScriptException(path + "." + field + ": must be a string");
        }
        return value.stringValue();
    }

    private static long nonNegative(JsonNode node, String field, String path, long fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || value.longValue() < 0) {
            throw new InvalidModelScriptException(path + "." + field + ": must be a whole number >= 0");
        }
        return value.longValue();
    }

    private static <E> E choice(JsonNode node, String field, E[] values, Function<E, String> name,
            E fallback) {
        String given = string(node, field, "script");
        if (given == null) {
            return fallback;
        }
        List<String> allowed = new ArrayList<>();
        for (E value : values) {
            if (name.apply(value).equals(given.toLowerCase(Locale.ROOT))) {
                return value;
            }
            allowed.add(name.apply(value));
        }
        throw new InvalidModelScriptException(field + ": must be one of " + allowed + ", not \"" + given + "\"");
    }

    private static void requireKnown(JsonNode node, Set<String> known, String path) {
        for (String field : node.propertyNames()) {
            if (!known.contains(field)) {
                throw new InvalidModelScriptException(path + ": unknown field \"" + field + "\" (known: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    /** The JSON form of this script, readable by {@link #parse(String)}. */
    public String toJson() {
        ObjectNode root = Json.object();
        root.put("cursor", cursor.wireName());
        root.put("onExhausted", onExhausted.wireName());
        ArrayNode array = root.putArray("turns");
        for (ScriptedTurn turn : turns) {
            array.add(turnJson(turn));
        }
        return Json.write(root);
    }

    private static ObjectNode turnJson(ScriptedTurn turn) {
        ObjectNode node = Json.object();
        if (!turn.text().isEmpty()) {
            node.put("text", turn.text());
        }
        if (!turn.thinking().isEmpty()) {
            node.put("thinking", turn.thinking());
        }
        if (!turn.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("toolCalls");
            for (ScriptedToolCall call : turn.toolCalls()) {
                ObjectNode callNode = calls.addObject();
                if (call.id() != null) {
                    callNode.put("id", call.id());
                }
                callNode.put("name", call.name());
                callNode.set("input", Json.parse(call.inputJson()));
            }
        }
        if (turn.stopReason() != null) {
            node.put("stopReason", turn.stopReason());
        }
        if (turn.usage() != null) {
            ObjectNode usage = node.putObject("usage").put("inputTokens", turn.usage().inputTokens())
                    .put("outputTokens", turn.usage().outputTokens());
            if (turn.usage().cacheReadInputTokens() > 0 || turn.usage().cacheCreationInputTokens() > 0) {
                usage.put("cacheReadInputTokens", turn.usage().cacheReadInputTokens())
                        .put("cacheCreationInputTokens", turn.usage().cacheCreationInputTokens());
            }
        }
        if (!turn.delay().isZero()) {
            node.put("delayMs", turn.delay().toMillis());
        }
        if (!turn.deltaDelay().isZero()) {
            node.put("deltaDelayMs", turn.deltaDelay().toMillis());
        }
        switch (turn.hang()) {
            case BEFORE_RESPONSE -> node.put("hang", "before-response");
            case MID_STREAM -> node.put("hang", "mid-stream");
            case NONE -> {
            }
        }
        ScriptedError error = turn.error();
        if (error != null) {
            ObjectNode errorNode = node.putObject("error").put("status", error.status());
            if (error.type() != null) {
                errorNode.put("type", error.type());
            }
            if (error.message() != null) {
                errorNode.put("message", error.message());
            }
            if (error.retryAfter() != null) {
                errorNode.put("retryAfterMs", error.retryAfter().toMillis());
            }
            if (error.midStream()) {
                errorNode.put("midStream", true);
            }
        }
        return node;
    }

    /** The number of turns; a short description for logs. */
    @Override
    public String toString() {
        return "ModelScript[" + turns.size() + " turns, cursor=" + cursor.wireName() + ", onExhausted="
                + onExhausted.wireName() + "]";
    }
}
