package dev.opencomputer.session;

import java.time.Instant;
import java.util.Objects;

/**
 * An event at its place in a session's log: {@code seq} counts from 1 without gaps, in the order
 * the events were committed.
 */
public record LoggedEvent(SessionId sessionId, long seq, Instant time, SessionEvent event) implements StreamedEvent {

    public LoggedEvent {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + seq);
        }
    }

    @Override
    public String type() {
        return event.type();
    }
}
