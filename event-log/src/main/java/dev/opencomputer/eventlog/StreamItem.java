package dev.opencomputer.eventlog;

import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.StreamedEvent;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
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
    /** The wire JSON as UTF-8, the primary form: rows are read and written as bytes. */
    private final byte[] utf8;
    private volatile String json;
    private Supplier<? extends StreamedEvent> decoder;
    private volatile StreamedEvent event;
    private volatile Memo memo;

    private record Memo(Function<? super StreamItem, ?> render, Object value) {
    }

    private StreamItem(SessionId sessionId, long seq, String type, byte[] utf8, String json,
            Supplier<? extends StreamedEvent> decoder, StreamedEvent event) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.seq = seq;
        this.type = Objects.requireNonNull(type, "type");
        this.utf8 = Objects.requireNonNull(utf8, "utf8");
        this.json = json;
        this.decoder = decoder;
        this.event = event;
    }

    /** An item for an event already decoded. */
    public static StreamItem of(StreamedEvent event, String json) {
        long seq = event instanceof LoggedEvent logged ? logged.seq() : 0;
        return new StreamItem(event.sessionId(), seq, event.type(), json.getBytes(StandardCharsets.UTF_8), json,
                null, event);
    }

    /**
     * An item for a stored event given as its wire JSON in UTF-8 (which the item keeps and never
     * changes), decoded by {@code decoder} when first asked for.
     */
    public static StreamItem lazy(SessionId sessionId, long seq, String type, byte[] jsonUtf8,
            Supplier<? extends LoggedEvent> decoder) {
        if (seq < 1) {
            throw new IllegalArgumentException("a stored event has a seq of 1 or more: " + seq);
        }
        return new StreamItem(sessionId, seq, type, jsonUtf8, null, Objects.requireNonNull(decoder, "decoder"), null);
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
        String text = json;
        if (text == null) {
            text = new String(utf8, StandardCharsets.UTF_8);
            json = text;
        }
        return text;
    }

    /** The length of the wire JSON in UTF-8 bytes. */
    public int jsonLength() {
        return utf8.length;
    }

    /** Copies the wire JSON, in UTF-8, into {@code target} at {@code offset}. */
    public void copyJson(byte[] target, int offset) {
        System.arraycopy(utf8, 0, target, offset, utf8.length);
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

    /**
     * {@code render(this)}, computed once per item and renderer and shared by every subscriber
     * that asks with the same {@code render} instance: a transport encodes an event once, not
     * once per subscriber. Holds one rendering; a different renderer replaces it.
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(Function<? super StreamItem, ? extends T> render) {
        Memo held = memo;
        if (held != null && held.render() == render) {
            return (T) held.value();
        }
        T value = render.apply(this);
        memo = new Memo(render, value);
        return value;
    }

    @Override
    public String toString() {
        return json();
    }
}
