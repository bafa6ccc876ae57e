package dev.opencomputer.brain;

import dev.opencomputer.brain.acp.AcpConnection;
import dev.opencomputer.session.RuntimeTranscript;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * The raw ACP messages not yet stored, gathered from the reading thread and the run's, drained into a
 * {@code runtime.transcript} with the next append. Thread-safe.
 */
final class AcpTranscript {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final List<Map<String, Object>> lines = new ArrayList<>();

    synchronized void add(boolean inbound, JsonNode message) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("dir", inbound ? "in" : "out");
        line.put("message", AcpConnection.JSON.convertValue(message, OBJECT));
        lines.add(line);
    }

    synchronized Optional<RuntimeTranscript> drain() {
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        RuntimeTranscript transcript = new RuntimeTranscript(List.copyOf(lines));
        lines.clear();
        return Optional.of(transcript);
    }
}
