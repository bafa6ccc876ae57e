package dev.opencomputer.eventlog;

import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.StreamedEvent;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One item of a live subscription: a stored or an ephemeral event together with its wire JSON
 * ({@code {seq?, sessionId, type, time, data}}), rendered once and shared by every subscriber.
 * The decoded {@link #event()} is built on first use. Immutable and thread-safe.
 */
public final class StreamItem {

    private final SessionId sessionId;
    private final long seq;
    private final String type;
    private final String json;
    private Supplier<? extends StreamedEvent> decoder;
    private volatile StreamedEvent event;

    private StreamItem(SessionId sessionId, long seq, String type, String json,
            Supplier<? extends StreamedEvent> decoder, StreamedEvent event) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.seq = seq;
        this.type = Objects.requireNonNull(type, "type");
        this.json = Objects.requireNonNull(json, "json");
        this.decoder = decoder;
        this.event = event;
    }

    /** An item for an event already decoded. */
    public static StreamItem of(StreamedEvent event, String json) {
        long seq = event instanceof LoggedEvent logged ? logged.seq() : 0;
        return new StreamItem(event.sessionId(), seq, event.type(), json, null, event);
    }

    /** An item for a stored event whose decoded form is built by {@code decoder} when first asked for. */
    public static StreamItem lazy(SessionId sessionId, long seq, String type, String json,
            Supplier<? extends LoggedEvent> decoder) {
        if (seq < 1) {
            throw new IllegalArgumentException("a stored event has a seq of 1 or more: " + seq);
        }
        return new StreamItem(sessionId, seq, type, json, Objects.requireNonNull(decoder, "decoder"), null);
    }

    public SessionId sessionId() {
        return sessionId;
    }

    /** Whether the event is stored (has a seq) rather than ephemeral. */
    public boolean isStored() {
        return seq > 0;
    }

    /** The event's seq; 0 for an ephemeral event. */
    public long seq() {
        return seq;
    }

    /** The wire name, {@code domain.action}. */
    public String type() {
        return type;
    }

    /** The event as wire JSON: {@code {seq?, sessionId, type, time, data}}. */
    public String json() {
        return json;
    }

    /** The decoded event. */
    public StreamedEvent event() {
        StreamedEvent decoded = event;
        if (decoded == null) {
            synchronized (this) {
                decoded = event;
                if (decoded == null) {
                    decoded = decoder.get();
                    event = decoded;
                    decoder = null;
                }
            }
        }
        return decoded;
    }

    @Override
    public String toString() {
        return json;
    }
}
