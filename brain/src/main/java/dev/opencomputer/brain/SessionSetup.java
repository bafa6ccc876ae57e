package dev.opencomputer.brain;

import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.TenantId;
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
 */
public record SessionSetup(
        TenantId tenant,
        AgentSetup agent,
        SandboxSpec sandbox,
        Map<String, String> env,
        String cwd,
        String additionalInstructions) {

    public SessionSetup {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(sandbox, "sandbox");
        if (!sandbox.tenant().equals(tenant)) {
            throw new IllegalArgumentException("the sandbox of a session belongs to the session's tenant");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        // the same checks commands get, so a bad variable fails here and not at the first command
        new ExecRequest(java.util.List.of("true"), null, env, null);
        if (env.containsKey(SandboxTools.TOOL_CALL_MARKER)) {
            throw new IllegalArgumentException(SandboxTools.TOOL_CALL_MARKER + " is reserved");
        }
        cwd = cwd == null || cwd.isBlank() ? null : cwd.strip();
        additionalInstructions = additionalInstructions == null ? "" : additionalInstructions;
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
