package dev.opencomputer.server.agents;

import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
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
 * @param credential the <em>name</em> of a secret holding the model key, never a key value
 * @param skipOsInstructions true to leave the environment instructions out of the agent's system prompt
 */
public record AgentSpec(String name, String model, String provider, String prompt, String runtime, String credential,
        List<String> tools, Sandbox sandbox, Limits limits, Map<String, String> metadata, Boolean skipOsInstructions) {

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
                Boolean.TRUE.equals(sent.skipOsInstructions()));
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
        if (!v.isEmpty()) {
            throw new RequestInvalidException(v);
        }
        return this;
    }
}
