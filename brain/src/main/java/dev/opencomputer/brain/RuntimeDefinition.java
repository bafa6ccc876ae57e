package dev.opencomputer.brain;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A runtime an agent can name: {@code native} (the brain is the agent) or an agent process that
 * speaks the Agent Client Protocol on its stdio inside the session's sandbox.
 *
 * @param name        what agents put in {@code runtime}
 * @param acp         whether it is an ACP agent (false only for {@code native})
 * @param command     the agent's argument vector in the sandbox (empty for {@code native})
 * @param env         plain variables for the agent process (never a key: the gateway holds those)
 * @param image       the sandbox image the agent is installed in; sessions of an agent that names no
 *                    image get it (null for {@code native}: the server's default image)
 * @param provider    the model API the agent calls through the gateway; null for {@code native}
 *                    (the agent's own provider)
 * @param loadSession whether the agent resumes its own session ({@code session/load}) after a restart;
 *                    when false, a fresh ACP session is started and primed with the transcript
 */
public record RuntimeDefinition(String name, boolean acp, List<String> command, Map<String, String> env,
        String image, ModelProvider provider, boolean loadSession) {

    public static final String NATIVE = "native";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    public RuntimeDefinition {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("opencomputer.runtimes: a runtime name is 1 to 63 lower-case letters, "
                    + "digits or '-', starting with a letter: " + name);
        }
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        if (acp) {
            if (command.isEmpty() || command.getFirst().isBlank()) {
                throw new IllegalArgumentException("opencomputer.runtimes." + name + ".command is required");
            }
            if (image == null || image.isBlank()) {
                throw new IllegalArgumentException("opencomputer.runtimes." + name + ".image is required");
            }
            Objects.requireNonNull(provider, "opencomputer.runtimes." + name + ".provider");
        }
    }

    /**
     * An operator-defined ACP runtime as bound from {@code opencomputer.runtimes.<name>}.
     *
     * @param provider {@code anthropic} (default) or {@code openai}
     */
    public record Settings(String command, List<String> args, Map<String, String> env, String image, String provider,
            Boolean loadSession) {

        public RuntimeDefinition toDefinition(String name) {
            List<String> argv = new java.util.ArrayList<>();
            if (command != null) {
                argv.add(command);
            }
            if (args != null) {
                argv.addAll(args);
            }
            return new RuntimeDefinition(name, true, argv, env, image,
                    ModelProvider.parse(provider == null ? "anthropic" : provider),
                    loadSession == null || loadSession);
        }
    }
}
