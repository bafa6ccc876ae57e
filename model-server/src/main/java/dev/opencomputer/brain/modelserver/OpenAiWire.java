package dev.opencomputer.brain.modelserver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI Chat Completions: {@code POST /v1/chat/completions}, JSON or {@code data:} chunks ending in {@code [DONE]}. */
final class OpenAiWire implements WireFormat {

    private final long created;

    OpenAiWire(long created) {
        this.created = created;
    }

    @Override
    public String provider() {
        return "openai";
    }

    @Override
    public String toolCallIdPrefix() {
        return "call_";
    }

    @Override
    public ParsedRequest read(JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        String model = body.path("model").asString("");
        if (model.isEmpty()) {
            throw new IllegalArgumentException("you must provide a model parameter");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("missing required parameter: 'messages'");
        }
        List<String> system = new ArrayList<>();
        List<RecordedMessage> conversation = new ArrayList<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asString("");
            String text = textOf(message.path("content"));
            switch (role) {
                case "system", "developer" -> system.add(text);
                case "user" -> conversation.add(RecordedMessage.user(text));
                case "assistant" -> {
                    List<RecordedMessage.RecordedToolCall> calls = new ArrayList<>();
                    for (JsonNode call : message.path("tool_calls")) {
                        JsonNode function = call.path("function");
                        calls.add(new RecordedMessage.RecordedToolCall(call.path("id").asString(""),
                                function.path("name").asString(""), function.path("arguments").asString("{}")));
                    }
                    conversation.add(RecordedMessage.assistant(text, calls));
                }
                case "tool" -> conversation.add(
                        RecordedMessage.toolResult(message.path("tool_call_id").asString(""), text, false));
                default -> throw new IllegalArgumentException("invalid role in messages: '" + role + "'");
            }
        }
        List<String> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            tools.add(tool.path("function").path("name").asString(""));
        }
        return new ParsedRequest(model, body.path("stream").asBoolean(false),
                body.path("stream_options").path("include_usage").asBoolean(false), String.join("\n", system),
                conversation, tools);
    }

    private static String textOf(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.path("type").asString("").equals("text")) {
                texts.add(part.path("text").asString(""));
            }
        }
        return String.join("\n", texts);
    }

    @Override
    public void answer(HttpExchange exchange, ParsedRequest request, Reply reply, Playback playback)
            throws IOException, InterruptedException {
        if (!request.stream()) {
            ObjectNode completion = envelope(reply, "chat.completion");
            ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            if (reply.text().isEmpty()) {
                message.putNull("content");
            } else {
                message.put("content", reply.text());
            }
            message.putNull("refusal");
            if (!reply.toolCalls().isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (RecordedMessage.RecordedToolCall call : reply.toolCalls()) {
                    ObjectNode callNode = calls.addObject().put("id", call.id()).put("type", "function");
                    callNode.putObject("function").put("name", call.name()).put("arguments", call.inputJson());
                }
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason(reply.stopReason()));
            completion.set("usage", usage(reply));
            JsonResponse.send(exchange, 200, completion, Map.of());
            return;
        }
        SseStream sse = SseStream.open(exchange, Map.of());
        ObjectNode first = Json.object().put("role", "assistant").put("content", "");
        first.putNull("refusal");
        sse.data(Json.write(chunk(reply, first, null, request.includeUsage())));
        boolean firstDelta = true;
        for (String piece : WireFormat.deltas(reply.text())) {
            sse.data(Json.write(chunk(reply, Json.object().put("content", piece), null, request.includeUsage())));
            if (firstDelta && playback.breaksOff()) {
                breakOff(sse, playback);
                return;
            }
            firstDelta = false;
            playback.pace();
        }
        int index = 0;
        for (RecordedMessage.RecordedToolCall call : reply.toolCalls()) {
            ObjectNode start = Json.object();
            ObjectNode startCall = start.putArray("tool_calls").addObject().put("index", index).put("id", call.id())
                    .put("type", "function");
            startCall.putObject("function").put("name", call.name()).put("arguments", "");
            sse.data(Json.write(chunk(reply, start, null, request.includeUsage())));
            for (String piece : WireFormat.jsonPieces(call.inputJson())) {
                ObjectNode delta = Json.object();
                delta.putArray("tool_calls").addObject().put("index", index).putObject("function")
                        .put("arguments", piece);
                sse.data(Json.write(chunk(reply, delta, null, request.includeUsage())));
                if (firstDelta && playback.breaksOff()) {
                    breakOff(sse, playback);
                    return;
                }
                firstDelta = false;
                playback.pace();
            }
            index++;
        }
        sse.data(Json.write(chunk(reply, Json.object(), finishReason(reply.stopReason()), request.includeUsage())));
        if (request.includeUsage()) {
            ObjectNode last = envelope(reply, "chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage(reply));
            sse.data(Json.write(last));
        }
        sse.data("[DONE]");
        sse.close();
    }

    private static void breakOff(SseStream sse, Playback playback) throws IOException, InterruptedException {
        if (playback.midStreamError() != null) {
            sse.data(Json.write(errorBody(playback.midStreamError())));
            sse.close();
            return;
        }
        playback.waits().hangUntilReleased();
    }

    @Override
    public void fail(HttpExchange exchange, ScriptedError error) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        if (error.retryAfter() != null) {
            headers.put("retry-after", Long.toString(Math.max(0, (error.retryAfter().toMillis() + 999) / 1000)));
            headers.put("retry-after-ms", Long.toString(error.retryAfter().toMillis()));
        }
        JsonResponse.send(exchange, error.status(), errorBody(error), headers);
    }

    /** A 400 for a request the real API would reject as malformed. */
    static ObjectNode invalidRequest(String message) {
        return errorBody(new ScriptedError(400, "invalid_request_error", message, null, false));
    }

    private static ObjectNode errorBody(ScriptedError error) {
        ObjectNode body = Json.object();
        ObjectNode detail = body.putObject("error").put("message", error.messageOrDefault())
                .put("type", error.openAiType());
        detail.putNull("param");
        if (error.status() == 429) {
            detail.put("code", "rate_limit_exceeded");
        } else {
            detail.putNull("code");
        }
        return body;
    }

    /** The Chat Completions finish reason for an Anthropic-style stop reason. */
    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "tool_use" -> "tool_calls";
            case "max_tokens" -> "length";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    private ObjectNode envelope(Reply reply, String object) {
        ObjectNode node = Json.object().put("id", reply.id()).put("object", object).put("created", created)
                .put("model", reply.model());
        node.putNull("system_fingerprint");
        return node;
    }

    private ObjectNode chunk(Reply reply, ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode chunk = envelope(reply, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode usage(Reply reply) {
        long prompt = reply.inputTokens() + reply.cacheReadInputTokens() + reply.cacheCreationInputTokens();
        ObjectNode usage = Json.object().put("prompt_tokens", prompt).put("completion_tokens", reply.outputTokens())
                .put("total_tokens", prompt + reply.outputTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", reply.cacheReadInputTokens());
        return usage;
    }
}
