package dev.opencomputer.brain;

import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.BudgetLimits;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The pinned version of an agent, as the brain runs it.
 *
 * @param id         the agent
 * @param version    the version the session pinned
 * @param provider   the model API's wire format
 * @param model      the model, unless the session's live config overrides it
 * @param baseUrl    where calls go; null = the brain's configured base URL for the provider
 *                   ({@link BrainProperties#endpoint})
 * @param prompt     the system prompt, empty for none
 * @param credential the name of the tenant's secret holding the model key; null when the agent
 *                   names none (its sessions fail with {@code model_credential_missing})
 * @param tools      the tools the model is offered
 * @param maxRunTime the longest one run may take before it stops as {@code run.stuck max_duration}
 * @param maxSteps   the most model calls one run may make before it stops as
 *                   {@code run.stuck max_steps}
 * @param permissions which tool calls need a person's yes: the agent's policy, tightened by the
 *                   session's ({@link PermissionPolicy#ALLOW_ALL} when it names none)
 * @param clientTools tools the user's backend runs ({@code client_tool.called}), offered to the
 *                   model besides {@code tools}
 * @param budget     the most a session of this version may spend (tokens, dollars, running time),
 *                   unless the session narrowed or changed it ({@link Budget}); {@link BudgetLimits#NONE}
 *                   for no limit
 * @param runtime    the agent's runtime by name ({@link RuntimeDefinition}): {@code native} or an ACP agent
 * @param skipOsInstructions whether the system prompt leaves out the {@link EnvironmentInstructions}
 */
public record AgentSetup(
        AgentId id,
        int version,
        ModelProvider provider,
        String model,
        String baseUrl,
        String prompt,
        SecretName credential,
        Set<AgentTool> tools,
        Duration maxRunTime,
        int maxSteps,
        PermissionPolicy permissions,
        java.util.List<ToolSpec> clientTools,
        BudgetLimits budget,
        String runtime,
        boolean skipOsInstructions) {

    /** A {@code native} agent without permission rules, client tools or budget. */
    public AgentSetup(AgentId id, int version, ModelProvider provider, String model, String baseUrl, String prompt,
            SecretName credential, Set<AgentTool> tools, Duration maxRunTime, int maxSteps) {
        this(id, version, provider, model, baseUrl, prompt, credential, tools, maxRunTime, maxSteps,
                PermissionPolicy.ALLOW_ALL, java.util.List.of(), BudgetLimits.NONE, RuntimeDefinition.NATIVE, false);
    }

    /** A {@code native} agent with permission rules or client tools, without a budget. */
    public AgentSetup(AgentId id, int version, ModelProvider provider, String model, String baseUrl, String prompt,
            SecretName credential, Set<AgentTool> tools, Duration maxRunTime, int maxSteps,
            PermissionPolicy permissions, java.util.List<ToolSpec> clientTools) {
        this(id, version, provider, model, baseUrl, prompt, credential, tools, maxRunTime, maxSteps, permissions,
                clientTools, BudgetLimits.NONE, RuntimeDefinition.NATIVE, false);
    }

    /** A {@code native} agent version with a budget, without permission rules or client tools. */
    public AgentSetup(AgentId id, int version, ModelProvider provider, String model, String baseUrl, String prompt,
            SecretName credential, Set<AgentTool> tools, Duration maxRunTime, int maxSteps, BudgetLimits budget) {
        this(id, version, provider, model, baseUrl, prompt, credential, tools, maxRunTime, maxSteps,
                PermissionPolicy.ALLOW_ALL, java.util.List.of(), budget, RuntimeDefinition.NATIVE, false);
    }

    /** An agent of {@code runtime}, without permission rules, client tools or budget. */
    public AgentSetup(AgentId id, int version, ModelProvider provider, String model, String baseUrl, String prompt,
            SecretName credential, Set<AgentTool> tools, Duration maxRunTime, int maxSteps, String runtime,
            boolean skipOsInstructions) {
        this(id, version, provider, model, baseUrl, prompt, credential, tools, maxRunTime, maxSteps,
                PermissionPolicy.ALLOW_ALL, java.util.List.of(), BudgetLimits.NONE, runtime, skipOsInstructions);
    }

    public AgentSetup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("an agent needs a model");
        }
        prompt = prompt == null ? "" : prompt;
        tools = tools == null || tools.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(tools));
        Objects.requireNonNull(maxRunTime, "maxRunTime");
        if (maxRunTime.isNegative() || maxRunTime.isZero() || maxSteps < 1) {
            throw new IllegalArgumentException("maxRunTime and maxSteps must be positive");
        }
        permissions = permissions == null ? PermissionPolicy.ALLOW_ALL : permissions;
        clientTools = clientTools == null ? java.util.List.of() : java.util.List.copyOf(clientTools);
        budget = budget == null ? BudgetLimits.NONE : budget;
        runtime = runtime == null || runtime.isBlank() ? RuntimeDefinition.NATIVE : runtime;
    }

    /** The client tool named {@code name}, if the agent has one. */
    public java.util.Optional<ToolSpec> clientTool(String name) {
        return clientTools.stream().filter(tool -> tool.name().equals(name)).findFirst();
    }

    /** The tool names an agent spec lists ({@code bash}, {@code read_file}, …) as tools. */
    public static Set<AgentTool> tools(Iterable<String> names) {
        Set<AgentTool> tools = EnumSet.noneOf(AgentTool.class);
        for (String name : names) {
            tools.add(AgentTool.named(name).orElseThrow(() -> new IllegalArgumentException("no tool named " + name)));
        }
        return tools;
    }
}
