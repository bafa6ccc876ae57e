package dev.opencomputer.sdk.sessions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Body of {@link Sessions#create(CreateSessionRequest)}. Only {@code agent} and {@code input} are
 * required; null fields are not sent, so the server's defaults apply.
 *
 * @param agent                  the agent to run, by id or by name; its current version is pinned
 * @param input                  the first user message
 * @param env                    plain environment variables for the session's sandbox (never secrets)
 * @param cwd                    the working directory of the agent's commands
 * @param additionalInstructions text added to the agent's prompt for this session only
 * @param sandbox                the id of an existing sandbox to work in (so that several sessions
 *                               share one filesystem) instead of a new one
 * @param metadata               the caller's labels, up to 50 string entries
 * @param budget                 the session's own budget; may only lower the agent's (else a
 *                               {@link dev.opencomputer.sdk.ValidationException})
 * @param mcpServers             MCP servers of this session on top of the agent's
 * @param permissions            rules on top of the agent's permission policy; they can only make it
 *                               stricter (the strictest rule of both wins)
 * @param network                the session's own network policy; may only narrow the agent's
 */
public record CreateSessionRequest(String agent, String input, Map<String, String> env, String cwd,
        String additionalInstructions, String sandbox, Map<String, String> metadata, Budget budget,
        java.util.List<dev.opencomputer.sdk.agents.McpServer> mcpServers,
        dev.opencomputer.sdk.agents.AgentPermissions permissions, dev.opencomputer.sdk.agents.AgentNetwork network) {

    /** A request without MCP servers or permission rules of its own. */
    public CreateSessionRequest(String agent, String input, Map<String, String> env, String cwd,
            String additionalInstructions, String sandbox, Map<String, String> metadata, Budget budget) {
        this(agent, input, env, cwd, additionalInstructions, sandbox, metadata, budget, null, null, null);
    }

    /** A request without a budget of its own. */
    public CreateSessionRequest(String agent, String input, Map<String, String> env, String cwd,
            String additionalInstructions, String sandbox, Map<String, String> metadata) {
        this(agent, input, env, cwd, additionalInstructions, sandbox, metadata, null);
    }

    public CreateSessionRequest {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(input, "input");
        env = env == null ? null : Map.copyOf(env);
        metadata = metadata == null ? null : Map.copyOf(metadata);
        mcpServers = mcpServers == null ? null : java.util.List.copyOf(mcpServers);
    }

    /** A request with just the agent and the first message. */
    public static CreateSessionRequest of(String agent, String input) {
        return builder().agent(agent).input(input).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CreateSessionRequest}; {@code agent} and {@code input} are required. Not thread-safe. */
    public static final class Builder {
        private String agent;
        private String input;
        private Map<String, String> env;
        private String cwd;
        private String additionalInstructions;
        private String sandbox;
        private Map<String, String> metadata;
        private Budget budget;
        private java.util.List<dev.opencomputer.sdk.agents.McpServer> mcpServers;
        private dev.opencomputer.sdk.agents.AgentPermissions permissions;
        private dev.opencomputer.sdk.agents.AgentNetwork network;

        private Builder() {
        }

        /** Adds an MCP server for this session only. */
        public Builder mcpServer(dev.opencomputer.sdk.agents.McpServer server) {
            if (mcpServers == null) {
                mcpServers = new java.util.ArrayList<>();
            }
            mcpServers.add(Objects.requireNonNull(server, "server"));
            return this;
        }

        /** The session's own network policy (narrower than the agent's only). */
        public Builder network(dev.opencomputer.sdk.agents.AgentNetwork network) {
            this.network = network;
            return this;
        }

        /** Permission rules on top of the agent's (stricter only). */
        public Builder permissions(dev.opencomputer.sdk.agents.AgentPermissions permissions) {
            this.permissions = permissions;
            return this;
        }

        /** The agent's id or name. */
        public Builder agent(String agent) {
            this.agent = agent;
            return this;
        }

        public Builder input(String input) {
            this.input = input;
            return this;
        }

        /** Replaces all environment variables. */
        public Builder env(Map<String, String> env) {
            this.env = env == null ? null : new LinkedHashMap<>(env);
            return this;
        }

        public Builder putEnv(String name, String value) {
            if (env == null) {
                env = new LinkedHashMap<>();
            }
            env.put(name, value);
            return this;
        }

        public Builder cwd(String cwd) {
            this.cwd = cwd;
            return this;
        }

        public Builder additionalInstructions(String instructions) {
            this.additionalInstructions = instructions;
            return this;
        }

        /** Works in this existing sandbox (its id) instead of a new one. */
        public Builder sandbox(String sandboxId) {
            this.sandbox = sandboxId;
            return this;
        }

        /** Replaces all metadata entries. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
            return this;
        }

        public Builder putMetadata(String key, String value) {
            if (metadata == null) {
                metadata = new LinkedHashMap<>();
            }
            metadata.put(key, value);
            return this;
        }

        /** The session's own budget (lower than the agent's). */
        public Builder budget(Budget budget) {
            this.budget = budget;
            return this;
        }

        public CreateSessionRequest build() {
            return new CreateSessionRequest(agent, input, env, cwd, additionalInstructions, sandbox, metadata,
                    budget, mcpServers, permissions, network);
        }
    }
}
