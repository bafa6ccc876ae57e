package dev.opencomputer.server.agents;

import java.time.Instant;

/**
 * One version of an agent as the API shows it. {@code version} grows by one with every update;
 * sessions pin the version they started with.
 */
public record Agent(String id, int version, String name, String model, String provider, String prompt,
        String runtime, String credential, java.util.List<String> tools, AgentSpec.Sandbox sandbox,
        AgentSpec.Limits limits, java.util.Map<String, String> metadata, AgentSpec.Permissions permissions,
        java.util.List<AgentSpec.ClientTool> clientTools, Instant createdAt, Instant updatedAt,
        java.util.List<McpServerSpec> mcpServers, AgentSpec.Budget budget, Boolean skipOsInstructions,
        AgentSpec.Network network) {

    static Agent of(String id, int version, AgentSpec spec, Instant createdAt, Instant updatedAt) {
        return new Agent(id, version, spec.name(), spec.model(), spec.provider(), spec.prompt(), spec.runtime(),
                spec.credential(), spec.tools(), spec.sandbox(), spec.limits(), spec.metadata(), spec.permissions(),
                spec.clientTools(), createdAt, updatedAt,
                spec.mcpServers() == null ? java.util.List.of() : spec.mcpServers(), spec.budget(),
                Boolean.TRUE.equals(spec.skipOsInstructions()), spec.network());
    }

    /** The versioned content of this agent. */
    public AgentSpec spec() {
        return new AgentSpec(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata,
                mcpServers, permissions, clientTools, budget, skipOsInstructions, network);
    }
}
