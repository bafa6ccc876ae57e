package dev.opencomputer.brain.modelserver;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One model request the server received, with its full body and a provider-neutral view of the
 * conversation it carried.
 *
 * @param sequence     1 for the first request the server received, then 2, 3, …
 * @param receivedAt   when it arrived
 * @param provider     {@code anthropic} or {@code openai}
 * @param path         the request path, e.g. {@code /v1/messages}
 * @param headers      the request headers, names lower-cased; credentials replaced by
 *                     {@code [redacted]}
 * @param apiKey       the credential the client presented ({@code x-api-key} or the bearer
 *                     token), or {@code null}; kept in memory only, never served over HTTP
 * @param body         the request body, exactly as received
 * @param conversation the key of the conversation the request belongs to (a hash of its system
 *                     prompt and first user message)
 * @param turn         the index of the script turn played for it, or {@code -1} when the script
 *                     was exhausted
 * @param model        the requested model
 * @param stream       whether a streamed response was requested
 * @param system       the system prompt, empty for none
 * @param messages     the conversation, in order
 * @param toolNames    the names of the tools offered to the model
 */
public record RecordedRequest(
        int sequence,
        Instant receivedAt,
        String provider,
        String path,
        Map<String, String> headers,
        String apiKey,
        String body,
        String conversation,
        int turn,
        String model,
        boolean stream,
        String system,
        List<RecordedMessage> messages,
        List<String> toolNames) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
        messages = List.copyOf(messages);
        toolNames = List.copyOf(toolNames);
    }

    /** The body parsed as JSON. */
    public JsonNode json() {
        return Json.parse(body);
    }

    /** The texts of the user messages, in order (tool results excluded). */
    public List<String> userTexts() {
        return messages.stream().filter(RecordedMessage::isUser).map(RecordedMessage::text).toList();
    }

    /** The text of the last user message, empty when there is none. */
    public String lastUserText() {
        List<String> texts = userTexts();
        return texts.isEmpty() ? "" : texts.getLast();
    }

    /** The texts of the assistant messages, in order. */
    public List<String> assistantTexts() {
        return messages.stream().filter(RecordedMessage::isAssistant).map(RecordedMessage::text).toList();
    }

    /** How many assistant messages (earlier model responses) the request carried. */
    public long assistantMessageCount() {
        return messages.stream().filter(RecordedMessage::isAssistant).count();
    }

    /** The ids of the tool calls in the assistant messages, in order. */
    public List<String> toolCallIds() {
        return messages.stream().flatMap(m -> m.toolCalls().stream()).map(RecordedMessage.RecordedToolCall::id)
                .toList();
    }

    /** The tool results by the id of the call they answer, in order. */
    public Map<String, String> toolResults() {
        Map<String, String> results = new LinkedHashMap<>();
        for (RecordedMessage message : messages) {
            if (message.isToolResult()) {
                results.put(message.toolCallId(), message.text());
            }
        }
        return results;
    }

    /** The content of the last tool result, empty when there is none. */
    public String lastToolResult() {
        for (RecordedMessage message : messages.reversed()) {
            if (message.isToolResult()) {
                return message.text();
            }
        }
        return "";
    }

    /** The JSON served by {@code GET /_requests}: everything but the credential, which shows as a hash. */
    ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("sequence", sequence);
        node.put("receivedAt", receivedAt.toString());
        node.put("provider", provider);
        node.put("path", path);
        node.put("conversation", conversation);
        node.put("turn", turn);
        node.put("model", model);
        node.put("stream", stream);
        node.put("apiKeySha256", apiKey == null ? null : Fingerprint.sha256(apiKey));
        ObjectNode headerNode = node.putObject("headers");
        headers.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(header -> headerNode.put(header.getKey(), header.getValue()));
        JsonNode parsed;
        try {
            parsed = Json.parse(body);
        } catch (RuntimeException e) {
            parsed = Json.MAPPER.getNodeFactory().stringNode(body);
        }
        node.set("body", parsed);
        return node;
    }

    /** A one-line description without the body or the credential. */
    @Override
    public String toString() {
        return "RecordedRequest[#" + sequence + " " + provider + " " + path + " model=" + model + " stream=" + stream
                + " conversation=" + conversation + " turn=" + turn + " messages=" + messages.size() + "]";
    }
}
