package dev.opencomputer.sdk.sse;

/**
 * One dispatched server-sent event, as the HTML Living Standard's parsing rules produce it.
 *
 * @param id    the last event id at the time of dispatch (an event without an {@code id:} field
 *              inherits the previous one); empty when none was ever set
 * @param event the event type; {@code message} when the event named none
 * @param data  the {@code data:} lines joined with {@code \n}
 */
public record ServerSentEvent(String id, String event, String data) {
}
