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
 * session's {@code cwd}), the session's stdio MCP servers (in ACP's {@code McpServer} shape; the agent
 * starts them itself, inside the sandbox), and the system prompt (the agent's prompt, the
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
        params.put("mcpServers", stdioServers(setup));
        String system = setup.systemPrompt();
        if (!system.isBlank()) {
            params.put("_meta", Map.of("systemPrompt", Map.of("append", system)));
        }
        return params;
    }

    /**
     * The session's stdio MCP servers as ACP's stdio {@code McpServer}s ({@code {name, command, args,
     * env: [{name, value}]}}), which every ACP agent must accept. Remote (http) servers are left out:
     * their headers are the tenant's secrets, which must not reach the sandbox, and the sandbox has no
     * network to reach them ({@link #remoteServers}).
     */
    static List<Map<String, Object>> stdioServers(SessionSetup setup) {
        List<Map<String, Object>> servers = new java.util.ArrayList<>();
        for (McpServer server : setup.mcpServers()) {
            if (server instanceof McpServer.Stdio stdio) {
                List<Map<String, String>> env = new java.util.ArrayList<>();
                new java.util.TreeMap<>(stdio.env()).forEach((name, value) -> env.add(Map.of("name", name,
                        "value", value)));
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", stdio.name());
                entry.put("command", stdio.command());
                entry.put("args", stdio.args());
                entry.put("env", env);
                servers.add(entry);
            }
        }
        return servers;
    }

    /** The session's remote MCP servers, which an ACP agent does not get. */
    static List<McpServer.Http> remoteServers(SessionSetup setup) {
        return setup.mcpServers().stream().filter(McpServer.Http.class::isInstance).map(McpServer.Http.class::cast)
                .toList();
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
