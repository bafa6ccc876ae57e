package dev.opencomputer.sdk.sandboxes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to run in a sandbox: {@link #shell(String)} for a command line run with
 * {@code /bin/sh -c}, or {@link #argv(String...)} for a program and its arguments run as is.
 *
 * @param command a {@code String} (command line) or a {@code List<String>} (argument vector)
 * @param cwd     working directory, absolute or relative to {@code /workspace} (the default)
 * @param env     extra plain environment variables — never secrets
 * @param timeout an ISO-8601 duration; null for the server's default (10 minutes out of the box)
 */
public record ExecRequest(Object command, String cwd, Map<String, String> env, String timeout) {

    public ExecRequest {
        Objects.requireNonNull(command, "command");
        if (command instanceof List<?> list) {
            command = List.copyOf(list);
        } else if (!(command instanceof String)) {
            throw new IllegalArgumentException("command is a command line or a list of arguments");
        }
        env = env == null ? null : Map.copyOf(env);
    }

    /** A command line run with {@code /bin/sh -c}. */
    public static ExecRequest shell(String commandLine) {
        return new ExecRequest(commandLine, null, null, null);
    }

    /** A program and its arguments, run without a shell. */
    public static ExecRequest argv(String... argv) {
        return new ExecRequest(List.of(argv), null, null, null);
    }

    public static ExecRequest argv(List<String> argv) {
        return new ExecRequest(argv, null, null, null);
    }

    public ExecRequest withCwd(String cwd) {
        return new ExecRequest(command, cwd, env, timeout);
    }

    /** Replaces the extra environment variables. */
    public ExecRequest withEnv(Map<String, String> env) {
        return new ExecRequest(command, cwd, env == null ? null : new LinkedHashMap<>(env), timeout);
    }

    public ExecRequest withTimeout(Duration timeout) {
        return new ExecRequest(command, cwd, env, timeout == null ? null : timeout.toString());
    }

    /** The timeout asked for, or null for the server's default. */
    @JsonIgnore
    Duration timeoutDuration() {
        return timeout == null ? null : Duration.parse(timeout);
    }
}
