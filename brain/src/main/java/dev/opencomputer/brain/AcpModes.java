package dev.opencomputer.brain;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The session's live-config mode mapped onto an ACP agent's own session modes ({@code modes} of
 * {@code session/new} / {@code session/load}): a mode the agent offers by that id is that mode (the
 * Claude agent's {@code default}, {@code acceptEdits}, {@code plan}, …); our {@code plan} is the agent's
 * {@code plan}; our {@code auto} (or none) is the mode the agent opened its session in. A mode the agent
 * has no match for leaves the agent's mode alone. Kept per agent process, on the run's thread.
 */
final class AcpModes {

    private final List<String> available = new ArrayList<>();
    private String initial;
    private String current;

    /** The agent opened (or loaded) its session with {@code modes} ({@code {currentModeId, availableModes}}). */
    void opened(JsonNode modes) {
        available.clear();
        for (JsonNode mode : modes.path("availableModes")) {
            String id = mode.path("id").asString(null);
            if (id != null) {
                available.add(id);
            }
        }
        current = modes.path("currentModeId").asString(null);
        if (initial == null) {
            initial = current;
        }
    }

    /** The agent says it switched ({@code current_mode_update}). */
    void switched(String modeId) {
        current = modeId;
    }

    /** Whether the agent's session is in its plan mode. */
    boolean planning() {
        return PlanMode.NAME.equals(current);
    }

    /** The agent mode to switch to for the live config's {@code mode}; null when none is needed or possible. */
    String switchTo(String mode) {
        String target = mode == null || mode.equals("auto") ? initial : available.contains(mode) ? mode : null;
        if (target == null || target.equals(current) || !available.contains(target)) {
            return null;
        }
        return target;
    }
}
