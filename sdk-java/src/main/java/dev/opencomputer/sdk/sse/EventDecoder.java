package dev.opencomputer.sdk.sse;

/**
 * Turns a server-sent event into the stream's element type. A decoder must not throw for an event
 * type it does not know: it returns a generic element instead (see {@link JsonEventDecoder}), or
 * null to skip the event.
 */
@FunctionalInterface
public interface EventDecoder<T> {

    T decode(ServerSentEvent event);

    /** Yields the raw events. */
    static EventDecoder<ServerSentEvent> raw() {
        return event -> event;
    }
}
