package dev.opencomputer.server.sessions;

import dev.opencomputer.server.agents.AgentSpec;
import java.util.Map;

/**
 * The body of {@code POST /v1/sessions}.
 *
 * @param agent                  the agent to run, by id or by name; its current version is pinned
 * @param input                  the first user message
 * @param env                    plain environment variables for the session's commands (never
 *                               secrets: they are stored and shown)
 * @param cwd                    the working directory of commands and relative paths: under
 *                               {@code /workspace}, absolute or relative to it (default {@code /workspace})
 * @param additionalInstructions appended to the agent's prompt for this session
 * @param sandbox                the id of an existing sandbox of the tenant to run in (several sessions
 *                               may share one filesystem); default: a new sandbox from the agent's image
 * @param metadata               the caller's labels, shown with the session
 * @param mcpServers             MCP servers for this session, added to the agent's (names unique)
 * @param permissions            rules on top of the agent's permission policy: they can only make
 *                               it stricter (the strictest rule of both wins); null for none
 * @param budget                 the session's own budget: may only lower the agent's limits
 * @param network                the session's own network policy: may only narrow the agent's
 *                               (a wider one is a 422); null: the agent's
 */
public record StartSession(String agent, String input, Map<String, String> env, String cwd,
        String additionalInstructions, String sandbox, Map<String, String> metadata,
        java.util.List<dev.opencomputer.server.agents.McpServerSpec> mcpServers, AgentSpec.Permissions permissions,
        AgentSpec.Budget budget, AgentSpec.Network network) {

    /** A start without a network policy of its own. */
    public StartSession(String agent, String input, Map<String, String> env, String cwd,
            String additionalInstructions, String sandbox, Map<String, String> metadata,
            java.util.List<dev.opencomputer.server.agents.McpServerSpec> mcpServers, AgentSpec.Permissions permissions,
            AgentSpec.Budget budget) {
        this(agent, input, env, cwd, additionalInstructions, sandbox, metadata, mcpServers, permissions, budget, null);
    }

    /** A start with MCP servers only. */
    public StartSession(String agent, String input, Map<String, String> env, String cwd,
            String additionalInstructions, String sandbox, Map<String, String> metadata,
            java.util.List<dev.opencomputer.server.agents.McpServerSpec> mcpServers) {
        this(agent, input, env, cwd, additionalInstructions, sandbox, metadata, mcpServers, null, null, null);
    }

    /** A start with permission rules only. */
    public StartSession(String agent, String input, Map<String, String> env, String cwd,
            String additionalInstructions, String sandbox, Map<String, String> metadata,
            AgentSpec.Permissions permissions) {
        this(agent, input, env, cwd, additionalInstructions, sandbox, metadata, null, permissions, null, null);
    }

    /** A start with a budget only. */
    public StartSession(String agent, String input, Map<String, String> env, String cwd,
            String additionalInstructions, String sandbox, Map<String, String> metadata, AgentSpec.Budget budget) {
        this(agent, input, env, cwd, additionalInstructions, sandbox, metadata, null, null, budget, null);
    }

    /** A start without MCP servers, permission rules or budget of its own. */
    public StartSession(String agent, String input, Map<String, String> env, String cwd,
            String additionalInstructions, String sandbox, Map<String, String> metadata) {
        this(agent, input, env, cwd, additionalInstructions, sandbox, metadata, null, null, null, null);
    }
}
