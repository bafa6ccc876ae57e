package dev.opencomputer.session;

import java.util.List;
import java.util.Map;

/**
 * The raw ACP messages exchanged with the agent since the previous transcript event, in order: each
 * {@code {"dir": "in"|"out", "message": {…}}} ("in" from the agent). Together they are the session's
 * whole ACP transcript, to replay and inspect after it stopped. Wire name {@value #TYPE}.
 */
public record RuntimeTranscript(List<Map<String, Object>> lines) implements SessionEvent {

    public static final String TYPE = "runtime.transcript";

    public RuntimeTranscript {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
