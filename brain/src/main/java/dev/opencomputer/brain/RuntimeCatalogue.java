package dev.opencomputer.brain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtimes this deployment offers: {@code native}, the built-in ACP agents ({@code claude-agent-sdk}
 * and {@code codex}, installed in the local ACP images) and the operator's own from
 * {@code opencomputer.runtimes.<name>}, which may also replace a built-in one. Immutable, thread-safe.
 */
public final class RuntimeCatalogue {

    /** Where the ACP image installs its npm packages and helpers. */
    public static final String ACP_HOME = "/opt/opencomputer";
    /** The default image of the built-in ACP runtimes (built by {@code bin/lib/engine.sh}). */
    public static final String ACP_IMAGE = "localhost/opencomputer-sandbox-acp:latest";
    /** The image of {@code codex}: codex-acp and its launcher (built by {@code bin/lib/engine.sh}). */
    public static final String CODEX_IMAGE = "localhost/opencomputer-sandbox-codex:latest";

    private final Map<String, RuntimeDefinition> runtimes;

    private RuntimeCatalogue(Map<String, RuntimeDefinition> runtimes) {
        this.runtimes = runtimes;
    }

    /** The built-in runtimes only. */
    public static RuntimeCatalogue builtIn() {
        return of(Map.of());
    }

    /** The built-in runtimes, then the operator's (which may replace one, but never {@code native}). */
    public static RuntimeCatalogue of(Map<String, RuntimeDefinition.Settings> operator) {
        Map<String, RuntimeDefinition> all = new LinkedHashMap<>();
        for (RuntimeDefinition builtIn : builtIns()) {
            all.put(builtIn.name(), builtIn);
        }
        operator.forEach((name, settings) -> {
            if (RuntimeDefinition.NATIVE.equals(name)) {
                throw new IllegalArgumentException("opencomputer.runtimes.native cannot be redefined");
            }
            all.put(name, settings.toDefinition(name));
        });
        return new RuntimeCatalogue(Map.copyOf(all));
    }

    private static List<RuntimeDefinition> builtIns() {
        Map<String, String> quiet = Map.of("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1", "DISABLE_TELEMETRY", "1",
                "DISABLE_AUTOUPDATER", "1", "DISABLE_ERROR_REPORTING", "1", "IS_SANDBOX", "1");
        return List.of(
                new RuntimeDefinition(RuntimeDefinition.NATIVE, false, List.of(), Map.of(), null, null, true),
                new RuntimeDefinition("claude-agent-sdk", true,
                        List.of(ACP_HOME + "/bin/oc-acp-launch", ACP_HOME + "/acp/node_modules/.bin/claude-agent-acp"),
                        quiet, ACP_IMAGE, ModelProvider.ANTHROPIC, true),
                new RuntimeDefinition("codex", true, codexCommand(), Map.of(), CODEX_IMAGE, ModelProvider.OPENAI,
                        true));
    }

    /**
     * codex-acp through its launcher ({@code deploy/sandbox/codex/oc-codex-acp}: the gateway as its model
     * provider, the agent's model, the system prompt as its developer instructions), with codex's own
     * sandbox off — the session's sandbox is the boundary, and codex's (bubblewrap) cannot run inside it —
     * and its approvals on for everything but commands it knows to be read-only ({@code untrusted}), so
     * its edits and commands go through the session's permission policy as the Claude agent's do; no
     * analytics, feedback or update checks (the sandbox has no network anyway).
     */
    private static List<String> codexCommand() {
        List<String> command = new ArrayList<>(List.of(ACP_HOME + "/bin/oc-acp-launch", ACP_HOME + "/bin/oc-codex-acp"));
        for (String setting : List.of("sandbox_mode=\"danger-full-access\"", "approval_policy=\"untrusted\"",
                "analytics.enabled=false", "feedback.enabled=false", "check_for_update_on_startup=false")) {
            command.add("-c");
            command.add(setting);
        }
        return List.copyOf(command);
    }

    public Optional<RuntimeDefinition> find(String name) {
        return Optional.ofNullable(runtimes.get(name));
    }

    /** Every runtime, sorted by name with {@code native} first. */
    public List<RuntimeDefinition> all() {
        List<RuntimeDefinition> sorted = new ArrayList<>(runtimes.values());
        sorted.sort((a, b) -> a.name().equals(RuntimeDefinition.NATIVE) ? -1
                : b.name().equals(RuntimeDefinition.NATIVE) ? 1 : a.name().compareTo(b.name()));
        return sorted;
    }

    public Collection<String> names() {
        return all().stream().map(RuntimeDefinition::name).toList();
    }
}
