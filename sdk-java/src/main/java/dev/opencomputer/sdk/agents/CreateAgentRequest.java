package dev.opencomputer.sdk.agents;

import dev.opencomputer.sdk.sessions.Budget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Body of {@link Agents#create(CreateAgentRequest)}. Null fields get the server's defaults; the
 * server validates the whole request and reports every broken rule at once in a
 * {@link dev.opencomputer.sdk.ValidationException}.
 *
 * @param name       required; 1–63 of {@code A-Z a-z 0-9 . _ -}, unique among the tenant's agents
 * @param model      required; the provider's model id
 * @param provider   {@code anthropic} or {@code openai}; by default inferred from the model name
 * @param prompt     the system prompt
 * @param runtime    {@code native}
 * @param credential the <em>name</em> of a tenant secret holding the model key — never a key value
 * @param tools      a subset of {@code bash, read_file, write_file, edit_file, list_files}; all by default
 * @param metadata   up to 50 string entries
 * @param permissions which tool calls need a person's yes; null: none
 * @param clientTools tools your backend runs; null: none
 * @param budget      the most one session may spend (tokens, dollars, running time)
 * @param mcpServers  MCP servers whose tools the model may call; null: none
 * @param skipOsInstructions true to leave the environment instructions out of the system prompt
 * @param network     what its sandboxes may reach through the egress proxy; null: the operator's default
 */
public record CreateAgentRequest(String name, String model, String provider, String prompt, String runtime,
        String credential, List<String> tools, AgentSandbox sandbox, AgentLimits limits,
        Map<String, String> metadata, AgentPermissions permissions, List<ClientTool> clientTools, Budget budget,
        List<McpServer> mcpServers, Boolean skipOsInstructions, AgentNetwork network) {

    /** A request without MCP servers. */
    public CreateAgentRequest(String name, String model, String provider, String prompt, String runtime,
            String credential, List<String> tools, AgentSandbox sandbox, AgentLimits limits,
            Map<String, String> metadata, AgentPermissions permissions, List<ClientTool> clientTools, Budget budget) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, permissions,
                clientTools, budget, null, null, null);
    }

    /** A request without permission rules, client tools or budget. */
    public CreateAgentRequest(String name, String model, String provider, String prompt, String runtime,
            String credential, List<String> tools, AgentSandbox sandbox, AgentLimits limits,
            Map<String, String> metadata) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, null, null, null);
    }

    public CreateAgentRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        tools = tools == null ? null : List.copyOf(tools);
        metadata = metadata == null ? null : Map.copyOf(metadata);
        clientTools = clientTools == null ? null : List.copyOf(clientTools);
        mcpServers = mcpServers == null ? null : List.copyOf(mcpServers);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CreateAgentRequest}; {@code name} and {@code model} are required. */
    public static final class Builder {
        private String name;
        private String model;
        private String provider;
        private String prompt;
        private String runtime;
        private String credential;
        private List<String> tools;
        private String sandboxImage;
        private Integer maxRunTimeSeconds;
        private Integer maxSteps;
        private Map<String, String> metadata;
        private AgentPermissions permissions;
        private List<ClientTool> clientTools;
        private Budget budget;
        private List<McpServer> mcpServers;
        private Boolean skipOsInstructions;
        private AgentNetwork network;

        private Builder() {
        }

        /** Adds an MCP server whose tools the model may call. */
        public Builder mcpServer(McpServer server) {
            if (mcpServers == null) {
                mcpServers = new java.util.ArrayList<>();
            }
            mcpServers.add(Objects.requireNonNull(server, "server"));
            return this;
        }

        /** What the agent's sandboxes may reach, e.g. {@code AgentNetwork.allowlist("github.com")}. */
        public Builder network(AgentNetwork network) {
            this.network = network;
            return this;
        }

        /** Whether to leave the environment instructions out of the agent's system prompt. */
        public Builder skipOsInstructions(boolean skip) {
            this.skipOsInstructions = skip;
            return this;
        }

        public Builder permissions(AgentPermissions permissions) {
            this.permissions = permissions;
            return this;
        }

        public Builder clientTool(ClientTool tool) {
            if (clientTools == null) {
                clientTools = new java.util.ArrayList<>();
            }
            clientTools.add(tool);
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        public Builder runtime(String runtime) {
            this.runtime = runtime;
            return this;
        }

        /** The name of the secret holding the model key. */
        public Builder credential(String secretName) {
            this.credential = secretName;
            return this;
        }

        public Builder tools(List<String> tools) {
            this.tools = tools;
            return this;
        }

        public Builder tools(String... tools) {
            return tools(List.of(tools));
        }

        public Builder sandboxImage(String image) {
            this.sandboxImage = image;
            return this;
        }

        public Builder maxRunTimeSeconds(int seconds) {
            this.maxRunTimeSeconds = seconds;
            return this;
        }

        public Builder maxSteps(int steps) {
            this.maxSteps = steps;
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

        /** The most one session may spend. */
        public Builder budget(Budget budget) {
            this.budget = budget;
            return this;
        }

        public CreateAgentRequest build() {
            return new CreateAgentRequest(name, model, provider, prompt, runtime, credential, tools,
                    sandboxImage == null ? null : new AgentSandbox(sandboxImage),
                    maxRunTimeSeconds == null && maxSteps == null ? null : new AgentLimits(maxRunTimeSeconds, maxSteps),
                    metadata, permissions, clientTools, budget, mcpServers, skipOsInstructions, network);
        }
    }
}
