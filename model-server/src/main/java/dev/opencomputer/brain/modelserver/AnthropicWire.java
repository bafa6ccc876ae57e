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

/** The Anthropic Messages API: {@code POST /v1/messages}, JSON or server-sent events. */
final class AnthropicWire implements WireFormat {

    @Override
    public String provider() {
        return "anthropic";
    }

    @Override
    public String toolCallIdPrefix() {
        return "toolu_";
    }

    @Override
    public ParsedRequest read(JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        String model = body.path("model").asString("");
        if (model.isEmpty()) {
            throw new IllegalArgumentException("model: field required");
        }
        if (!body.path("max_tokens").isIntegralNumber()) {
            throw new IllegalArgumentException("max_tokens: field required");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("messages: field required");
        }
        List<RecordedMessage> conversation = new ArrayList<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asString("");
            JsonNode content = message.get("content");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw new IllegalArgumentException("messages: role must be user or assistant, not " + role);
            }
            if (content == null) {
                throw new IllegalArgumentException("messages: content required");
            }
            if (content.isString()) {
                conversation.add(role.equals("user") ? RecordedMessage.user(content.stringValue())
                        : RecordedMessage.assistant(content.stringValue(), List.of()));
                continue;
            }
            List<String> texts = new ArrayList<>();
            List<RecordedMessage.RecordedToolCall> calls = new ArrayList<>();
            for (JsonNode block : content) {
                switch (block.path("type").asString("")) {
                    case "text" -> texts.add(block.path("text").asString(""));
                    case "tool_use" -> calls.add(new RecordedMessage.RecordedToolCall(block.path("id").asString(""),
                            block.path("name").asString(""), Json.write(block.path("input"))));
                    case "tool_result" -> conversation.add(RecordedMessage.toolResult(
                            block.path("tool_use_id").asString(""), textOf(block.path("content")),
                            block.path("is_error").asBoolean(false)));
                    default -> {
                        // thinking, images and the like carry nothing the tests look at
                    }
                }
            }
            if (!texts.isEmpty() || !calls.isEmpty()) {
                String text = String.join("\n", texts);
                conversation.add(role.equals("user") ? RecordedMessage.user(text)
                        : RecordedMessage.assistant(text, calls));
            }
        }
        List<String> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            tools.add(tool.path("name").asString(""));
        }
        return new ParsedRequest(model, body.path("stream").asBoolean(false), true, textOf(body.path("system")),
                conversation, tools);
    }

    /** The text of a string-or-blocks field. */
    private static String textOf(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode block : content) {
            if (block.path("type").asString("").equals("text")) {
                texts.add(block.path("text").asString(""));
            }
        }
        return String.join("\n", texts);
    }

    @Override
    public void answer(HttpExchange exchange, ParsedRequest request, Reply reply, Playback playback)
            throws IOException, InterruptedException {
        if (!request.stream()) {
            JsonResponse.send(exchange, 200, message(reply, true), headers());
            return;
        }
        SseStream sse = SseStream.open(exchange, headers());
        ObjectNode start = Json.object().put("type", "message_start");
        start.set("message", message(reply, false));
        sse.event("message_start", start);
        sse.event("ping", Json.object().put("type", "ping"));
        int index = 0;
        boolean firstDelta = true;
        if (!reply.thinking().isEmpty()) {
            ObjectNode block = Json.object().put("type", "thinking").put("thinking", "").put("signature", "");
            sse.event("content_block_start", blockStart(index, block));
            for (String piece : WireFormat.deltas(reply.thinking())) {
                sse.event("content_block_delta", blockDelta(index,
                        Json.object().put("type", "thinking_delta").put("thinking", piece)));
                playback.pace();
            }
            sse.event("content_block_delta", blockDelta(index,
                    Json.object().put("type", "signature_delta").put("signature", reply.signature())));
            sse.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
            index++;
        }
        if (!reply.text().isEmpty()) {
            sse.event("content_block_start", blockStart(index, Json.object().put("type", "text").put("text", "")));
            for (String piece : WireFormat.deltas(reply.text())) {
                sse.event("content_block_delta", blockDelta(index,
                        Json.object().put("type", "text_delta").put("text", piece)));
                if (firstDelta && playback.breaksOff()) {
                    breakOff(sse, playback);
                    return;
                }
                firstDelta = false;
                playback.pace();
            }
            sse.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
            index++;
        }
        for (RecordedMessage.RecordedToolCall call : reply.toolCalls()) {
            ObjectNode block = Json.object().put("type", "tool_use").put("id", call.id()).put("name", call.name());
            block.putObject("input");
            sse.event("content_block_start", blockStart(index, block));
            for (String piece : WireFormat.jsonPieces(call.inputJson())) {
                sse.event("content_block_delta", blockDelta(index,
                        Json.object().put("type", "input_json_delta").put("partial_json", piece)));
                if (firstDelta && playback.breaksOff()) {
                    breakOff(sse, playback);
                    return;
                }
                firstDelta = false;
                playback.pace();
            }
            sse.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
            index++;
        }
        ObjectNode delta = Json.object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", reply.stopReason()).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", reply.outputTokens());
        sse.event("message_delta", delta);
        sse.event("message_stop", Json.object().put("type", "message_stop"));
        sse.close();
    }

    private static void breakOff(SseStream sse, Playback playback) throws IOException, InterruptedException {
        if (playback.midStreamError() != null) {
            sse.event("error", errorBody(playback.midStreamError()));
            sse.close();
            return;
        }
        playback.waits().hangUntilReleased();
    }

    @Override
    public void fail(HttpExchange exchange, ScriptedError error) throws IOException {
        Map<String, String> headers = headers();
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
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", error.anthropicType()).put("message", error.messageOrDefault());
        return body;
    }

    private static Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("request-id", "req_scripted");
        return headers;
    }

    private static ObjectNode message(Reply reply, boolean complete) {
        ObjectNode message = Json.object()
                .put("id", reply.id())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", reply.model());
        ArrayNode content = message.putArray("content");
        if (complete) {
            if (!reply.thinking().isEmpty()) {
                content.addObject().put("type", "thinking").put("thinking", reply.thinking())
                        .put("signature", reply.signature());
            }
            if (!reply.text().isEmpty()) {
                content.addObject().put("type", "text").put("text", reply.text());
            }
            for (RecordedMessage.RecordedToolCall call : reply.toolCalls()) {
                ObjectNode block = content.addObject().put("type", "tool_use").put("id", call.id())
                        .put("name", call.name());
                block.set("input", Json.parse(call.inputJson()));
            }
            message.put("stop_reason", reply.stopReason());
        } else {
            message.putNull("stop_reason");
        }
        message.putNull("stop_sequence");
        ObjectNode usage = message.putObject("usage")
                .put("input_tokens", reply.inputTokens())
                .put("cache_creation_input_tokens", reply.cacheCreationInputTokens())
                .put("cache_read_input_tokens", reply.cacheReadInputTokens())
                .put("output_tokens", complete ? reply.outputTokens() : 1);
        usage.put("service_tier", "standard");
        return message;
    }

    private static ObjectNode blockStart(int index, ObjectNode block) {
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", index);
        event.set("content_block", block);
        return event;
    }

    private static ObjectNode blockDelta(int index, ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        return event;
    }
}
