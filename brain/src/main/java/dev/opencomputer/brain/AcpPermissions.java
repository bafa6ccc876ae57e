package dev.opencomputer.brain;

import dev.opencomputer.brain.acp.AcpConnection;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The answer to an ACP agent's {@code session/request_permission}. Until the per-tool policy and the
 * approval API exist (the human-in-the-loop issue), every tool the agent offers is allowed: the
 * agent's "allow once" option is chosen (else "allow always", else the first option), so nothing waits.
 */
final class AcpPermissions {

    private AcpPermissions() {
    }

    static JsonNode decide(JsonNode params) {
        String chosen = null;
        for (String kind : new String[] {"allow_once", "allow_always"}) {
            for (JsonNode option : params.path("options")) {
                if (chosen == null && kind.equals(option.path("kind").asString(""))) {
                    chosen = option.path("optionId").asString();
                }
            }
        }
        if (chosen == null && params.path("options").size() > 0) {
            chosen = params.path("options").get(0).path("optionId").asString();
        }
        if (chosen == null) {
            return AcpConnection.JSON.valueToTree(Map.of("outcome", Map.of("outcome", "cancelled")));
        }
        return AcpConnection.JSON.valueToTree(Map.of("outcome", Map.of("outcome", "selected", "optionId", chosen)));
    }
}
