package dev.opencomputer.server.agents;

import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.session.BudgetLimits;
import dev.opencomputer.session.PriceTable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The content of one agent version, defaults applied. Fields a client sends as null or leaves
 * out get their default; {@link #validated()} reports every broken rule at once.
 *
 * @param credential  the <em>name</em> of a secret holding the model key, never a key value
 * @param mcpServers  the MCP servers of the agent's sessions (a session may add its own)
 * @param permissions which tool calls need a person's yes ({@link Permissions}); default: none
 * @param clientTools tools the user's backend runs ({@link ClientTool}); default: none
 * @param budget      the most one session of this version may spend; null for no limit
 * @param skipOsInstructions true to leave the environment instructions out of the agent's system prompt
 * @param network     what the agent's sandboxes may reach through the egress proxy ({@link Network});
 *                    null: the operator's default ({@code opencomputer.egress.default-mode})
 */
// Read-only fields of GET /v1/agents/{id}, ignored when a client sends them back.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties({"id", "version", "createdAt", "updatedAt"})
public record AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
        List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata,
        List<McpServerSpec> mcpServers, Permissions permissions, List<ClientTool> clientTools, Budget budget,
        Boolean skipOsInstructions, Network network) {

    /** A spec without a network policy of its own. */
    public AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
            List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata,
            List<McpServerSpec> mcpServers, Permissions permissions, List<ClientTool> clientTools, Budget budget,
            Boolean skipOsInstructions) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, mcpServers,
                permissions, clientTools, budget, skipOsInstructions, null);
    }

    /** A spec without MCP servers, permission rules, client tools or budget. */
    public AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
            List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, List.of(), null, null,
                null, null);
    }

    /** A spec with MCP servers only. */
    public AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
            List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata,
            List<McpServerSpec> mcpServers) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, mcpServers, null,
                null, null, null);
    }

    /** A spec with permission rules or client tools only. */
    public AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
            List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata, Permissions permissions,
            List<ClientTool> clientTools) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, List.of(),
                permissions, clientTools, null, null);
    }

    /** A spec with a budget only. */
    public AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
            List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata, Budget budget) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, List.of(), null,
                null, budget, null);
    }

    /** A spec with environment-instruction choice only. */
    public AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
            List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata, Boolean skipOsInstructions) {
        this(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata, List.of(), null,
                null, null, skipOsInstructions);
    }

    /** This spec with {@code sandbox} instead of its own. */
    public AgentSpec withSandbox(Sandbox sandbox) {
        return new AgentSpec(name, model, provider, prompt, runtime, credential, tools, sandbox, limits, metadata,
                mcpServers, permissions, clientTools, budget, skipOsInstructions, network);
    }

    /** The tools an agent may be allowed, by the names the model sees. */
    public static final List<String> TOOLS = List.of("bash", "read_file", "write_file", "edit_file", "list_files");
    public static final List<String> PROVIDERS = List.of("anthropic", "openai");
    /** The runtimes every deployment has; the others are checked against the deployment's ({@link RuntimeCheck}). */
    public static final List<String> RUNTIMES = List.of("native");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern MODEL = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,127}");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@-]{0,254}");
    private static final int MAX_PROMPT = 100_000;

    /** The sandbox the agent's sessions get; a null image means the server's default image. */
    public record Sandbox(String image) {
    }

    /** How long a run may take and how many model steps it may use. */
    public record Limits(Integer maxRunTimeSeconds, Integer maxSteps) {
        static final Limits DEFAULT = new Limits(3600, 100);
    }

    /**
     * The permission policy: {@code default} ({@code allow} or {@code ask}) for tools {@code tools}
     * does not name; {@code tools} maps a tool name, or a prefix ending in {@code *}, to
     * {@code allow}, {@code ask} or {@code deny}; a request unanswered for {@code timeoutSeconds} is
     * denied ({@code permission.expired}); null: it waits until answered.
     */
    public record Permissions(@com.fasterxml.jackson.annotation.JsonProperty("default") String defaultRule,
            Map<String, String> tools, Integer timeoutSeconds) {
    }

    /** A tool the user's backend runs: what the model sees, with its input's JSON Schema. */
    public record ClientTool(String name, String description, Map<String, Object> inputSchema) {
    }

    /**
     * The most a session may spend ({@code docs/budgets.md}); a null field is no limit.
     *
     * @param maxTokens  tokens of every kind added up
     * @param maxCostUsd US dollars by the price table; the agent's model needs a price
     * @param maxRunTime seconds of running time (idle and hibernated time excluded)
     */
    public record Budget(Long maxTokens, BigDecimal maxCostUsd, Long maxRunTime) {

        /** The budget as the brain enforces it; {@link BudgetLimits#NONE} for null or an empty one. */
        public static BudgetLimits limits(Budget budget) {
            return budget == null ? BudgetLimits.NONE
                    : new BudgetLimits(budget.maxTokens, budget.maxCostUsd, budget.maxRunTime);
        }

        /** Each broken rule of a budget sent as {@code field}. */
        public static void check(String field, Budget budget, List<FieldViolation> v) {
            if (budget == null) {
                return;
            }
            if (budget.maxTokens != null && budget.maxTokens < 1) {
                v.add(new FieldViolation(field + ".maxTokens", "must be at least 1"));
            }
            if (budget.maxCostUsd != null && (budget.maxCostUsd.signum() <= 0 || budget.maxCostUsd.scale() > 6)) {
                v.add(new FieldViolation(field + ".maxCostUsd", "must be more than 0, with at most 6 decimals"));
            }
            if (budget.maxRunTime != null && (budget.maxRunTime < 1 || budget.maxRunTime > 31_536_000)) {
                v.add(new FieldViolation(field + ".maxRunTime", "must be from 1 to 31536000 seconds"));
            }
        }
    }

    /**
     * What the sandbox may reach: {@code mode} {@code none}, {@code allowlist} (the hosts of
     * {@code allow}: {@code host}, {@code *.domain}, either with {@code :port}) or {@code open}
     * (only where the operator allows it), always under the operator's deny-list. See
     * {@code docs/network.md}.
     */
    public record Network(String mode, List<String> allow) {

        /** The policy as the brain enforces it; throws {@link IllegalArgumentException} with the reason when malformed. */
        public NetworkPolicy policy() {
            return NetworkPolicy.parse(mode, allow);
        }

        /** The policy an agent's sessions get: {@code agent}'s own, else the operator's default. */
        public static NetworkPolicy effective(Network agent, NetworkPolicy operatorDefault) {
            return agent == null ? operatorDefault : agent.policy();
        }

        /** The wire form of {@code policy}. */
        public static Network of(NetworkPolicy policy) {
            return new Network(policy.mode().wire(), policy.mode() == NetworkPolicy.Mode.ALLOWLIST ? policy.allow() : null);
        }

        /**
         * The policy of {@code network} sent as {@code field}, normalised, or null when it is null; a
         * malformed one, or {@code open} where the operator does not allow it, is a violation.
         */
        public static NetworkPolicy check(String field, Network network, boolean allowOpen, List<FieldViolation> v) {
            if (network == null) {
                return null;
            }
            try {
                NetworkPolicy policy = network.policy();
                if (policy.mode() == NetworkPolicy.Mode.OPEN && !allowOpen) {
                    v.add(new FieldViolation(field + ".mode", "this installation does not allow an open network "
                            + "(opencomputer.egress.allow-open); use \"allowlist\""));
                }
                return policy;
            } catch (IllegalArgumentException e) {
                v.add(new FieldViolation(field, e.getMessage()));
                return null;
            }
        }
    }

    /** Applies defaults to what a client sent. */
    public static AgentSpec withDefaults(AgentSpec sent) {
        String model = sent.model() == null ? null : sent.model().strip();
        Limits limits = sent.limits() == null ? Limits.DEFAULT : new Limits(
                sent.limits().maxRunTimeSeconds() == null ? Limits.DEFAULT.maxRunTimeSeconds()
                        : sent.limits().maxRunTimeSeconds(),
                sent.limits().maxSteps() == null ? Limits.DEFAULT.maxSteps() : sent.limits().maxSteps());
        return new AgentSpec(
                sent.name() == null ? null : sent.name().strip(),
                model,
                sent.provider() == null ? inferProvider(model) : sent.provider().toLowerCase(Locale.ROOT),
                sent.prompt() == null ? "" : sent.prompt(),
                sent.runtime() == null ? "native" : sent.runtime(),
                sent.credential() == null || sent.credential().isBlank() ? null : sent.credential().strip(),
                sent.tools() == null ? TOOLS : sent.tools(),
                sent.sandbox() == null ? new Sandbox(null) : sent.sandbox(),
                limits,
                sent.metadata() == null ? Map.of() : new LinkedHashMap<>(sent.metadata()),
                sent.mcpServers() == null ? List.of() : sent.mcpServers(),
                sent.permissions(),
                sent.clientTools() == null ? List.of() : sent.clientTools(),
                sent.budget() == null || Budget.limits(sent.budget()).isEmpty() ? null : sent.budget(),
                Boolean.TRUE.equals(sent.skipOsInstructions()),
                sent.network() == null ? null : normalised(sent.network()));
    }

    /** A well-formed network as its policy writes it (names lower-case, entries unique); a malformed one as sent. */
    private static Network normalised(Network network) {
        try {
            return Network.of(network.policy());
        } catch (IllegalArgumentException e) {
            return network;
        }
    }

    /** OpenAI's model families by name; everything else defaults to Anthropic. */
    static String inferProvider(String model) {
        if (model == null) {
            return "anthropic";
        }
        String m = model.toLowerCase(Locale.ROOT);
        return m.startsWith("gpt") || m.matches("o[0-9].*") || m.startsWith("chatgpt") ? "openai" : "anthropic";
    }

    /** This spec, or a validation problem listing every violation; the runtime must be one of {@link #RUNTIMES}. */
    public AgentSpec validated() {
        return validated(RUNTIMES);
    }

    /** This spec, or a validation problem listing every violation; the runtime must be one of {@code runtimes}. */
    public AgentSpec validated(java.util.Collection<String> runtimes) {
        List<FieldViolation> v = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            v.add(new FieldViolation("name", "is required"));
        } else if (!NAME.matcher(name).matches()) {
            v.add(new FieldViolation("name", "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        if (model == null || model.isEmpty()) {
            v.add(new FieldViolation("model", "is required"));
        } else if (!MODEL.matcher(model).matches()) {
            v.add(new FieldViolation("model", "must be 1 to 200 visible characters"));
        }
        if (!PROVIDERS.contains(provider)) {
            v.add(new FieldViolation("provider", "must be one of " + PROVIDERS));
        }
        if (prompt.length() > MAX_PROMPT) {
            v.add(new FieldViolation("prompt", "must be at most " + MAX_PROMPT + " characters"));
        }
        if (!runtimes.contains(runtime)) {
            v.add(new FieldViolation("runtime", "must be one of " + runtimes));
        }
        if (credential != null && !SECRET_NAME.matcher(credential).matches()) {
            v.add(new FieldViolation("credential", "must be the name of a secret (a letter, then up to 127 letters, "
                    + "digits, '_', '.' or '-'), never a key value"));
        }
        if (tools.stream().anyMatch(tool -> tool == null || !TOOLS.contains(tool))) {
            v.add(new FieldViolation("tools", "each tool must be one of " + TOOLS));
        } else if (new LinkedHashSet<>(tools).size() != tools.size()) {
            v.add(new FieldViolation("tools", "must not repeat a tool"));
        }
        if (sandbox.image() != null && !IMAGE.matcher(sandbox.image()).matches()) {
            v.add(new FieldViolation("sandbox.image", "must be an image reference like 'debian:12-slim'"));
        }
        if (limits.maxRunTimeSeconds() < 1 || limits.maxRunTimeSeconds() > 86_400) {
            v.add(new FieldViolation("limits.maxRunTimeSeconds", "must be from 1 to 86400"));
        }
        if (limits.maxSteps() < 1 || limits.maxSteps() > 10_000) {
            v.add(new FieldViolation("limits.maxSteps", "must be from 1 to 10000"));
        }
        Budget.check("budget", budget, v);
        if (metadata.size() > 50) {
            v.add(new FieldViolation("metadata", "must have at most 50 entries"));
        }
        metadata.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > 64) {
                v.add(new FieldViolation("metadata." + key, "keys must be 1 to 64 characters"));
            }
            if (value == null || value.length() > 512) {
                v.add(new FieldViolation("metadata." + key, "values must be strings of at most 512 characters"));
            }
        });
        AgentPermissions.check(permissions, "permissions", true, v);
        ClientTools.check(clientTools, tools, v);
        if (!v.isEmpty()) {
            throw new RequestInvalidException(v);
        }
        return this;
    }

    /** This spec, or a validation problem when its network is malformed or {@code open} where that is not allowed. */
    public AgentSpec networked(boolean allowOpen) {
        List<FieldViolation> v = new ArrayList<>();
        Network.check("network", network, allowOpen, v);
        if (!v.isEmpty()) {
            throw new RequestInvalidException(v);
        }
        return this;
    }

    /** This spec, or a validation problem when it caps dollars for a model the price table has no price for. */
    public AgentSpec priced(PriceTable prices) {
        if (budget != null && budget.maxCostUsd() != null && prices.price(model).isEmpty()) {
            throw new RequestInvalidException("budget.maxCostUsd", "the model " + model
                    + " has no price (opencomputer.brain.prices), so its cost cannot be capped; cap tokens instead");
        }
        return this;
    }
}
