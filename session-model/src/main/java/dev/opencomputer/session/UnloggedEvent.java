package dev.opencomputer.session;

import java.time.Instant;
import java.util.Objects;

/** An ephemeral event as delivered to live subscribers: no seq, never stored. */
public record UnloggedEvent(SessionId sessionId, Instant time, EphemeralEvent event) implements StreamedEvent {

    public UnloggedEvent {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
    }

    @Override
    public String type() {
        return event.type();
    }
}
