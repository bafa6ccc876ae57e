package dev.opencomputer.brain;

import dev.opencomputer.brain.egress.EgressProxy;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a session was started with.
 *
 * @param tenant                 the owning tenant, whose secret holds the model key
 * @param agent                  the pinned agent version
 * @param sandbox                the sandbox the session's tools run in, as it was created (image,
 *                               limits, network); the brain revives it from this spec when it died
 *                               or vanished, on the same workspace. Several sessions may share one.
 * @param env                    plain environment variables for every command of this session
 *                               (never secrets; the brain never adds the model key)
 * @param cwd                    the working directory of commands and relative file paths: absolute
 *                               under {@code /workspace} or relative to it; null = {@code /workspace}
 * @param additionalInstructions appended to the agent's prompt for this session; null or empty for none
 * @param mcpServers             the session's MCP servers: the agent version's, then the session's own;
 *                               names unique
 * @param network                what the sandbox may reach through the egress proxy: the agent's
 *                               policy (or the operator's default), narrowed by the session's; unless
 *                               it is {@code none}, {@code env} also carries the proxy variables
 *                               ({@link EgressProxy#environment()})
 */
public record SessionSetup(
        TenantId tenant,
        AgentSetup agent,
        SandboxSpec sandbox,
        Map<String, String> env,
        String cwd,
        String additionalInstructions,
        List<McpServer> mcpServers,
        NetworkPolicy network) {

    /** A setup without a network. */
    public SessionSetup(TenantId tenant, AgentSetup agent, SandboxSpec sandbox, Map<String, String> env, String cwd,
            String additionalInstructions, List<McpServer> mcpServers) {
        this(tenant, agent, sandbox, env, cwd, additionalInstructions, mcpServers, NetworkPolicy.NONE);
    }

    /** A setup without MCP servers. */
    public SessionSetup(TenantId tenant, AgentSetup agent, SandboxSpec sandbox, Map<String, String> env, String cwd,
            String additionalInstructions) {
        this(tenant, agent, sandbox, env, cwd, additionalInstructions, List.of());
    }

    public SessionSetup {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(sandbox, "sandbox");
        if (!sandbox.tenant().equals(tenant)) {
            throw new IllegalArgumentException("the sandbox of a session belongs to the session's tenant");
        }
        network = network == null ? NetworkPolicy.NONE : network;
        if (network.mode() != NetworkPolicy.Mode.NONE) {
            Map<String, String> withProxy = new java.util.HashMap<>(EgressProxy.environment());
            if (env != null) {
                withProxy.putAll(env);
            }
            env = withProxy;
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        // the same checks commands get, so a bad variable fails here and not at the first command
        new ExecRequest(java.util.List.of("true"), null, env, null);
        if (env.containsKey(SandboxTools.TOOL_CALL_MARKER)) {
            throw new IllegalArgumentException(SandboxTools.TOOL_CALL_MARKER + " is reserved");
        }
        cwd = cwd == null || cwd.isBlank() ? null : cwd.strip();
        additionalInstructions = additionalInstructions == null ? "" : additionalInstructions;
        mcpServers = mcpServers == null ? List.of() : List.copyOf(mcpServers);
        if (mcpServers.stream().map(McpServer::name).distinct().count() != mcpServers.size()) {
            throw new IllegalArgumentException("the MCP servers of a session must have distinct names");
        }
    }

    /**
     * The system prompt: the agent's prompt, the {@link EnvironmentInstructions} (unless the agent
     * skips them), then the session's additional instructions; blank parts are left out.
     */
    public String systemPrompt() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (String part : new String[] {agent.prompt(),
                agent.skipOsInstructions() ? "" : EnvironmentInstructions.block(this), additionalInstructions}) {
            if (!part.isBlank()) {
                parts.add(part);
            }
        }
        return String.join("\n\n", parts);
    }

    /** The working directory as an absolute path. */
    public String absoluteCwd() {
        return new ExecRequest(java.util.List.of("true"), cwd, Map.of(), null).absoluteCwd();
    }
}
