package dev.opencomputer.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run in a sandbox.
 *
 * @param command the argument vector (no shell unless you ask for one: see {@link #shell(String)})
 * @param cwd     working directory: absolute, or relative to {@code /workspace}; {@code null} = {@code /workspace}
 * @param env     plain environment variables added for this command
 * @param timeout how long the command may run before its process tree is killed; {@code null} = the configured default
 */
public record ExecRequest(List<String> command, String cwd, Map<String, String> env, Duration timeout) {

    /** The variable the driver marks every process of an execution with, so it can kill the whole tree. */
    public static final String MARKER_VARIABLE = "OC_EXEC_ID";

    public ExecRequest {
        if (command == null || command.isEmpty() || command.getFirst().isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program to run");
        }
        command = List.copyOf(command);
        for (String arg : command) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command arguments cannot contain NUL characters");
            }
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        env.keySet().forEach(ExecRequest::requireEnvName);
        env.values().forEach(v -> {
            if (v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment values cannot contain NUL characters");
            }
        });
        if (cwd != null && (cwd.isBlank() || cwd.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("cwd must be a directory path");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** Runs {@code script} with {@code /bin/sh -c}. */
    public static ExecRequest shell(String script) {
        return new ExecRequest(List.of("/bin/sh", "-c", script), null, Map.of(), null);
    }

    /** Runs the given argument vector as is. */
    public static ExecRequest of(String... command) {
        return new ExecRequest(List.of(command), null, Map.of(), null);
    }

    public ExecRequest withCwd(String cwd) {
        return new ExecRequest(command, cwd, env, timeout);
    }

    public ExecRequest withEnv(Map<String, String> env) {
        return new ExecRequest(command, cwd, env, timeout);
    }

    public ExecRequest withTimeout(Duration timeout) {
        return new ExecRequest(command, cwd, env, timeout);
    }

    /** The working directory as an absolute path. */
    public String absoluteCwd() {
        if (cwd == null) {
            return WorkspacePath.ROOT;
        }
        return cwd.startsWith("/") ? cwd : WorkspacePath.ROOT + "/" + cwd;
    }

    static void requireEnvName(String name) {
        if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an environment variable name: " + name);
        }
        if (name.equals(MARKER_VARIABLE)) {
            throw new IllegalArgumentException(MARKER_VARIABLE + " is reserved");
        }
    }
}
