package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;

/**
 * An event of a type this SDK does not know (or whose data did not fit its known shape), kept whole
 * so that a newer server never breaks an older client.
 *
 * @param seq  its position in the log, or null when it is ephemeral
 * @param type the wire name
 * @param data the event's {@code data} object as JSON (a JSON string holding the raw text when the
 *             event was not JSON at all)
 */
public record UnknownEvent(Long seq, String sessionId, String type, Instant time, JsonNode data)
        implements SessionEvent {

    @Override
    public OptionalLong position() {
        return seq == null ? OptionalLong.empty() : OptionalLong.of(seq);
    }
}
