package dev.opencomputer.sdk.sse;

import tools.jackson.databind.JsonNode;

/**
 * An event of a type the decoder does not know (or whose data did not match its type), kept whole
 * so nothing is lost: newer servers may send event types older clients have never heard of.
 *
 * @param id   the SSE id
 * @param type the SSE event type
 * @param data the data parsed as JSON, or a JSON string holding the raw text when it is not JSON
 */
public record GenericEvent(String id, String type, JsonNode data) {
}
