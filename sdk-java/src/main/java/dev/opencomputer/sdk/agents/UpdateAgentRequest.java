package dev.opencomputer.sdk.agents;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON merge patch (RFC 7396) for {@link Agents#update(String, UpdateAgentRequest)}: only what
 * you set is sent. A field set to a value replaces it; a field set to {@code null} goes back to its
 * default; metadata entries merge one by one. The server validates the patched agent as a whole.
 */
public final class UpdateAgentRequest {

    private final ObjectNode patch;

    private UpdateAgentRequest(ObjectNode patch) {
        this.patch = patch;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The merge patch document as it will be sent (a copy). */
    public JsonNode toJson() {
        return patch.deepCopy();
    }

    /** Whether the patch changes nothing (it still creates a new version). */
    public boolean isEmpty() {
        return patch.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpdateAgentRequest other && patch.equals(other.patch);
    }

    @Override
    public int hashCode() {
        return patch.hashCode();
    }

    @Override
    public String toString() {
        return "UpdateAgentRequest" + patch;
    }

    /**
     * Builds an {@link UpdateAgentRequest}. Leave a field alone to keep it; pass {@code null} to
     * reset it to its default.
     */
    public static final class Builder {
        private final ObjectNode patch = JsonNodeFactory.instance.objectNode();

        private Builder() {
        }

        private Builder text(String field, String value) {
            if (value == null) {
                patch.putNull(field);
            } else {
                patch.put(field, value);
            }
            return this;
        }

        public Builder name(String name) {
            return text("name", Objects.requireNonNull(name, "name is required and has no default"));
        }

        public Builder model(String model) {
            return text("model", Objects.requireNonNull(model, "model is required and has no default"));
        }

        public Builder provider(String provider) {
            return text("provider", provider);
        }

        public Builder prompt(String prompt) {
            return text("prompt", prompt);
        }

        public Builder runtime(String runtime) {
            return text("runtime", runtime);
        }

        /** The name of the secret holding the model key; null removes the credential. */
        public Builder credential(String secretName) {
            return text("credential", secretName);
        }

        /** Replaces the tool list; null allows every tool again. */
        public Builder tools(List<String> tools) {
            if (tools == null) {
                patch.putNull("tools");
            } else {
                var array = patch.putArray("tools");
                tools.forEach(array::add);
            }
            return this;
        }

        public Builder tools(String... tools) {
            return tools(List.of(tools));
        }

        /** The sandbox image; null means the server's default image. */
        public Builder sandboxImage(String image) {
            ObjectNode sandbox = object("sandbox");
            if (image == null) {
                sandbox.putNull("image");
            } else {
                sandbox.put("image", image);
            }
            return this;
        }

        public Builder maxRunTimeSeconds(Integer seconds) {
            return limit("maxRunTimeSeconds", seconds);
        }

        public Builder maxSteps(Integer steps) {
            return limit("maxSteps", steps);
        }

        private Builder limit(String field, Integer value) {
            ObjectNode limits = object("limits");
            if (value == null) {
                limits.putNull(field);
            } else {
                limits.put(field, value.intValue());
            }
            return this;
        }

        /**
         * The budget of the new version: each non-null field of {@code budget} is set, the others stay;
         * a null {@code budget} removes it (no limit).
         */
        public Builder budget(dev.opencomputer.sdk.sessions.Budget budget) {
            if (budget == null) {
                patch.putNull("budget");
                return this;
            }
            ObjectNode node = object("budget");
            if (budget.maxTokens() != null) {
                node.put("maxTokens", budget.maxTokens().longValue());
            }
            if (budget.maxCostUsd() != null) {
                node.put("maxCostUsd", budget.maxCostUsd());
            }
            if (budget.maxRunTime() != null) {
                node.put("maxRunTime", budget.maxRunTime().longValue());
            }
            return this;
        }

        /**
         * The permission rules of the new version, merged into the current ones (a rule of
         * {@code tools} is added or replaced, the others stay); null removes them (no approvals).
         */
        public Builder permissions(AgentPermissions permissions) {
            return value("permissions", permissions);
        }

        /** Replaces the client tools (null or empty: none). */
        public Builder clientTools(List<ClientTool> clientTools) {
            return value("clientTools", clientTools);
        }

        /** Replaces the MCP servers (null or empty: none). */
        public Builder mcpServers(List<McpServer> mcpServers) {
            return value("mcpServers", mcpServers);
        }

        /** Whether to leave the environment instructions out of the system prompt; null: the default (false). */
        public Builder skipOsInstructions(Boolean skip) {
            return value("skipOsInstructions", skip);
        }

        /** What the new version's sandboxes may reach; null: the operator's default. */
        public Builder network(AgentNetwork network) {
            return value("network", network);
        }

        private Builder value(String field, Object value) {
            if (value == null) {
                patch.putNull(field);
            } else {
                patch.set(field, dev.opencomputer.sdk.internal.Transport.mapper().valueToTree(value));
            }
            return this;
        }

        /** Adds or replaces one metadata entry; the others stay. */
        public Builder putMetadata(String key, String value) {
            object("metadata").put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Removes one metadata entry; the others stay. */
        public Builder removeMetadata(String key) {
            object("metadata").putNull(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** Removes every metadata entry (later put/remove calls in this builder are dropped). */
        public Builder clearMetadata() {
            patch.putNull("metadata");
            return this;
        }

        private ObjectNode object(String field) {
            JsonNode existing = patch.get(field);
            if (existing instanceof ObjectNode node) {
                return node;
            }
            if (existing != null && existing.isNull()) {
                return JsonNodeFactory.instance.objectNode(); // cleared earlier: nothing to merge into
            }
            return patch.putObject(field);
        }

        public UpdateAgentRequest build() {
            return new UpdateAgentRequest(patch.deepCopy());
        }
    }
}
