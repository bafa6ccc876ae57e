package dev.opencomputer.brain.modelserver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}), which codex speaks: {@code instructions} and
 * {@code input} items ({@code message}, {@code function_call}, {@code function_call_output}) in, and
 * out a {@code response} object — or, streamed, its typed SSE events ({@code response.created},
 * {@code response.output_item.added}, {@code response.output_text.delta},
 * {@code response.function_call_arguments.delta}, …, {@code response.completed} with the usage).
 */
final class ResponsesWire implements WireFormat {

    private final long created;

    ResponsesWire(long created) {
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
        List<String> system = new ArrayList<>();
        if (body.path("instructions").isString()) {
            system.add(body.path("instructions").asString());
        }
        List<RecordedMessage> conversation = new ArrayList<>();
        JsonNode input = body.path("input");
        if (input.isString()) {
            conversation.add(RecordedMessage.user(input.asString()));
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                read(item, system, conversation);
            }
        } else {
            throw new IllegalArgumentException("missing required parameter: 'input'");
        }
        List<String> tools = new ArrayList<>();
        Set<String> freeform = new HashSet<>();
        for (JsonNode tool : body.path("tools")) {
            String name = tool.path("name").asString(tool.path("type").asString(""));
            tools.add(name);
            if (tool.path("type").asString("").equals("custom")) {
                freeform.add(name);
            }
        }
        return new ParsedRequest(model, body.path("stream").asBoolean(false), true, String.join("\n", system),
                conversation, tools, freeform);
    }

    private static void read(JsonNode item, List<String> system, List<RecordedMessage> conversation) {
        String type = item.path("type").asString(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> {
                String role = item.path("role").asString("");
                String text = textOf(item.path("content"));
                switch (role) {
                    case "system", "developer" -> system.add(text);
                    case "user" -> conversation.add(RecordedMessage.user(text));
                    case "assistant" -> conversation.add(RecordedMessage.assistant(text, List.of()));
                    default -> throw new IllegalArgumentException("invalid role in input: '" + role + "'");
                }
            }
            case "function_call", "custom_tool_call", "local_shell_call" -> {
                RecordedMessage.RecordedToolCall call = new RecordedMessage.RecordedToolCall(
                        item.path("call_id").asString(""), item.path("name").asString(type),
                        item.path("arguments").isString() ? item.path("arguments").asString()
                                : item.path("input").isString() ? item.path("input").asString()
                                : item.path("action").toString());
                // consecutive calls belong to one assistant turn, as in Chat Completions
                if (!conversation.isEmpty() && conversation.getLast().isAssistant()) {
                    RecordedMessage last = conversation.removeLast();
                    List<RecordedMessage.RecordedToolCall> calls = new ArrayList<>(last.toolCalls());
                    calls.add(call);
                    conversation.add(RecordedMessage.assistant(last.text(), calls));
                } else {
                    conversation.add(RecordedMessage.assistant("", List.of(call)));
                }
            }
            case "function_call_output", "custom_tool_call_output", "local_shell_call_output" -> {
                JsonNode output = item.path("output");
                conversation.add(RecordedMessage.toolResult(item.path("call_id").asString(""),
                        output.isString() ? output.asString() : textOf(output), false));
            }
            default -> {
                // reasoning items and others carry nothing the script needs
            }
        }
    }

    private static String textOf(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : content) {
            String type = part.path("type").asString("");
            if (type.equals("input_text") || type.equals("output_text") || type.equals("text")) {
                texts.add(part.path("text").asString(""));
            }
        }
        return String.join("\n", texts);
    }

    @Override
    public void answer(HttpExchange exchange, ParsedRequest request, Reply reply, Playback playback)
            throws IOException, InterruptedException {
        if (!request.stream()) {
            JsonResponse.send(exchange, 200, response(request, reply, true), Map.of());
            return;
        }
        SseStream sse = SseStream.open(exchange, Map.of());
        int[] sequence = {0};
        event(sse, sequence, "response.created", Json.object().set("response", response(request, reply, false)));
        event(sse, sequence, "response.in_progress", Json.object().set("response", response(request, reply, false)));
        int outputIndex = 0;
        boolean firstDelta = true;
        if (!reply.text().isEmpty()) {
            String itemId = "msg_" + reply.id();
            ObjectNode added = Json.object().put("output_index", outputIndex);
            added.set("item", message(itemId, "", "in_progress"));
            event(sse, sequence, "response.output_item.added", added);
            ObjectNode part = Json.object().put("item_id", itemId).put("output_index", outputIndex)
                    .put("content_index", 0);
            part.set("part", textPart(""));
            event(sse, sequence, "response.content_part.added", part);
            for (String piece : WireFormat.deltas(reply.text())) {
                event(sse, sequence, "response.output_text.delta", Json.object().put("item_id", itemId)
                        .put("output_index", outputIndex).put("content_index", 0).put("delta", piece));
                if (firstDelta && playback.breaksOff()) {
                    breakOff(sse, sequence, playback);
                    return;
                }
                firstDelta = false;
                playback.pace();
            }
            event(sse, sequence, "response.output_text.done", Json.object().put("item_id", itemId)
                    .put("output_index", outputIndex).put("content_index", 0).put("text", reply.text()));
            ObjectNode partDone = Json.object().put("item_id", itemId).put("output_index", outputIndex)
                    .put("content_index", 0);
            partDone.set("part", textPart(reply.text()));
            event(sse, sequence, "response.content_part.done", partDone);
            ObjectNode done = Json.object().put("output_index", outputIndex);
            done.set("item", message(itemId, reply.text(), "completed"));
            event(sse, sequence, "response.output_item.done", done);
            outputIndex++;
        }
        for (RecordedMessage.RecordedToolCall call : reply.toolCalls()) {
            if (request.freeformTools().contains(call.name())) {
                if (!streamFreeform(sse, sequence, outputIndex++, call, firstDelta, playback)) {
                    return;
                }
                firstDelta = false;
                continue;
            }
            String itemId = "fc_" + call.id();
            ObjectNode added = Json.object().put("output_index", outputIndex);
            added.set("item", functionCall(itemId, call, "", "in_progress"));
            event(sse, sequence, "response.output_item.added", added);
            for (String piece : WireFormat.jsonPieces(call.inputJson())) {
                event(sse, sequence, "response.function_call_arguments.delta", Json.object().put("item_id", itemId)
                        .put("output_index", outputIndex).put("delta", piece));
                if (firstDelta && playback.breaksOff()) {
                    breakOff(sse, sequence, playback);
                    return;
                }
                firstDelta = false;
                playback.pace();
            }
            event(sse, sequence, "response.function_call_arguments.done", Json.object().put("item_id", itemId)
                    .put("output_index", outputIndex).put("arguments", call.inputJson()));
            ObjectNode done = Json.object().put("output_index", outputIndex);
            done.set("item", functionCall(itemId, call, call.inputJson(), "completed"));
            event(sse, sequence, "response.output_item.done", done);
            outputIndex++;
        }
        event(sse, sequence, "response.completed", Json.object().set("response", response(request, reply, true)));
        sse.close();
    }

    /**
     * A call of a freeform tool, streamed as a {@code custom_tool_call} item whose input is raw text
     * ({@code response.custom_tool_call_input.delta} / {@code .done}); false when the stream broke off.
     */
    private static boolean streamFreeform(SseStream sse, int[] sequence, int outputIndex,
            RecordedMessage.RecordedToolCall call, boolean firstDelta, Playback playback)
            throws IOException, InterruptedException {
        String itemId = "ctc_" + call.id();
        String input = freeformInput(call);
        ObjectNode added = Json.object().put("output_index", outputIndex);
        added.set("item", customToolCall(itemId, call, "", "in_progress"));
        event(sse, sequence, "response.output_item.added", added);
        for (String piece : WireFormat.jsonPieces(input)) {
            event(sse, sequence, "response.custom_tool_call_input.delta", Json.object().put("item_id", itemId)
                    .put("output_index", outputIndex).put("delta", piece));
            if (firstDelta && playback.breaksOff()) {
                breakOff(sse, sequence, playback);
                return false;
            }
            firstDelta = false;
            playback.pace();
        }
        event(sse, sequence, "response.custom_tool_call_input.done", Json.object().put("item_id", itemId)
                .put("output_index", outputIndex).put("input", input));
        ObjectNode done = Json.object().put("output_index", outputIndex);
        done.set("item", customToolCall(itemId, call, input, "completed"));
        event(sse, sequence, "response.output_item.done", done);
        return true;
    }

    /**
     * The raw text of a freeform call: the scripted input's {@code input} string (a script's input is
     * always a JSON object), else the input's JSON text.
     */
    static String freeformInput(RecordedMessage.RecordedToolCall call) {
        JsonNode input = Json.parse(call.inputJson());
        return input.path("input").isString() ? input.path("input").asString() : call.inputJson();
    }

    private static void event(SseStream sse, int[] sequence, String type, ObjectNode data) throws IOException {
        ObjectNode event = Json.object().put("type", type).put("sequence_number", sequence[0]++);
        event.setAll(data);
        sse.event(type, event);
    }

    private static void breakOff(SseStream sse, int[] sequence, Playback playback)
            throws IOException, InterruptedException {
        if (playback.midStreamError() != null) {
            ScriptedError error = playback.midStreamError();
            event(sse, sequence, "error", Json.object().put("code", error.openAiType())
                    .put("message", error.messageOrDefault()));
            sse.close();
            return;
        }
        playback.waits().hangUntilReleased();
    }

    /** The {@code response} object: in progress (no output yet) or completed (the output and usage). */
    private ObjectNode response(ParsedRequest request, Reply reply, boolean completed) {
        ObjectNode response = Json.object().put("id", "resp_" + reply.id()).put("object", "response")
                .put("created_at", created).put("status", completed ? "completed" : "in_progress")
                .put("model", reply.model());
        response.putNull("error");
        response.putNull("incomplete_details");
        var output = response.putArray("output");
        if (completed) {
            if (!reply.text().isEmpty()) {
                output.add(message("msg_" + reply.id(), reply.text(), "completed"));
            }
            for (RecordedMessage.RecordedToolCall call : reply.toolCalls()) {
                output.add(request.freeformTools().contains(call.name())
                        ? customToolCall("ctc_" + call.id(), call, freeformInput(call), "completed")
                        : functionCall("fc_" + call.id(), call, call.inputJson(), "completed"));
            }
            response.set("usage", usage(reply));
        } else {
            response.putNull("usage");
        }
        return response;
    }

    private static ObjectNode message(String id, String text, String status) {
        ObjectNode item = Json.object().put("type", "message").put("id", id).put("status", status)
                .put("role", "assistant");
        var content = item.putArray("content");
        if (status.equals("completed")) {
            content.add(textPart(text));
        }
        return item;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    private static ObjectNode functionCall(String id, RecordedMessage.RecordedToolCall call, String arguments,
            String status) {
        return Json.object().put("type", "function_call").put("id", id).put("call_id", call.id())
                .put("name", call.name()).put("arguments", arguments).put("status", status);
    }

    private static ObjectNode customToolCall(String id, RecordedMessage.RecordedToolCall call, String input,
            String status) {
        return Json.object().put("type", "custom_tool_call").put("id", id).put("call_id", call.id())
                .put("name", call.name()).put("input", input).put("status", status);
    }

    private static ObjectNode usage(Reply reply) {
        long input = reply.inputTokens() + reply.cacheReadInputTokens() + reply.cacheCreationInputTokens();
        ObjectNode usage = Json.object().put("input_tokens", input).put("output_tokens", reply.outputTokens())
                .put("total_tokens", input + reply.outputTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", reply.cacheReadInputTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        return usage;
    }

    @Override
    public void fail(HttpExchange exchange, ScriptedError error) throws IOException {
        new OpenAiWire(created).fail(exchange, error);
    }
}
