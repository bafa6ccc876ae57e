package dev.opencomputer.sdk.agents;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of an agent. Versions are immutable: every update makes the next one, and a
 * session keeps the version it started with.
 *
 * @param version    1 for a new agent, +1 per update
 * @param provider   {@code anthropic} or {@code openai}
 * @param credential the <em>name</em> of the tenant secret that holds the model key, or null
 * @param tools      the tools the model may call
 * @param updatedAt  when this version was made
 * @param budget     the most one session may spend; null for no limit
 * @param permissions which tool calls need a person's yes; null for none
 * @param clientTools tools the caller's backend runs; empty for none
 * @param mcpServers  the agent's MCP servers; empty for none
 * @param skipOsInstructions whether the environment instructions are left out of the system prompt
 * @param network     what its sandboxes may reach; null: the operator's default
 */
public record Agent(String id, int version, String name, String model, String provider, String prompt,
        String runtime, String credential, List<String> tools, AgentSandbox sandbox, AgentLimits limits,
        Map<String, String> metadata, Instant createdAt, Instant updatedAt,
        dev.opencomputer.sdk.sessions.Budget budget, AgentPermissions permissions, List<ClientTool> clientTools,
        List<McpServer> mcpServers, Boolean skipOsInstructions, AgentNetwork network) {

    public Agent {
        tools = tools == null ? List.of() : List.copyOf(tools);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        clientTools = clientTools == null ? List.of() : List.copyOf(clientTools);
        mcpServers = mcpServers == null ? List.of() : List.copyOf(mcpServers);
    }

    /** An agent as servers before permissions, client tools and MCP servers showed it. */
    public Agent(String id, int version, String name, String model, String provider, String prompt,
            String runtime, String credential, List<String> tools, AgentSandbox sandbox, AgentLimits limits,
            Map<String, String> metadata, Instant createdAt, Instant updatedAt,
            dev.opencomputer.sdk.sessions.Budget budget) {
        this(id, version, name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata,
                createdAt, updatedAt, budget, null, null, null, null, null);
    }
}
