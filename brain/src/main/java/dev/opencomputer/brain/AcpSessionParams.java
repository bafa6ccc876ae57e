package dev.opencomputer.brain;

import dev.opencomputer.brain.acp.AcpConnection;
import dev.opencomputer.session.RuntimeReady;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * What an ACP agent's session is opened with, and what the opening tells: the working directory (the
 * session's {@code cwd}), no MCP servers yet, and the system prompt (the agent's prompt, the
 * environment instructions and the session's additional instructions) appended to the agent's own
 * through {@code _meta.systemPrompt.append}, which the Claude agent honours and other agents ignore.
 */
final class AcpSessionParams {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<List<Object>> LIST = new TypeReference<>() {
    };

    private AcpSessionParams() {
    }

    static Map<String, Object> of(SessionSetup setup, Conversation conversation) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("cwd", setup.absoluteCwd());
        params.put("mcpServers", List.of());
        String system = setup.systemPrompt();
        if (!system.isBlank()) {
            params.put("_meta", Map.of("systemPrompt", Map.of("append", system)));
        }
        return params;
    }

    static RuntimeReady ready(String runtime, JsonNode init, JsonNode session, String agentSessionId,
            boolean resumed) {
        return new RuntimeReady(runtime, object(init.path("agentInfo")), object(init.path("agentCapabilities")),
                objectOrNull(session.path("modes")), objectOrNull(session.path("models")),
                session.path("configOptions").isArray()
                        ? AcpConnection.JSON.convertValue(session.path("configOptions"), LIST) : List.of(),
                agentSessionId, resumed);
    }

    private static Map<String, Object> object(JsonNode node) {
        return node.isObject() ? AcpConnection.JSON.convertValue(node, OBJECT) : Map.of();
    }

    private static Map<String, Object> objectOrNull(JsonNode node) {
        return node.isObject() ? AcpConnection.JSON.convertValue(node, OBJECT) : null;
    }
}
