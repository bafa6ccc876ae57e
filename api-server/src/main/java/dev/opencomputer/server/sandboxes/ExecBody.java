package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/sandboxes/{id}/exec}.
 *
 * @param command a shell command line (run with {@code /bin/sh -c}) or an argument vector
 * @param cwd     working directory, absolute or relative to {@code /workspace}
 * @param env     extra environment variables
 * @param timeout seconds or a duration like {@code "5m"}; default and maximum are the server's
 */
public record ExecBody(JsonNode command, String cwd, Map<String, String> env, JsonNode timeout) {

    ExecRequest toRequest(SandboxConfig config) {
        List<FieldViolation> violations = new ArrayList<>();
        List<String> argv = new ArrayList<>();
        if (command == null || command.isNull()) {
            violations.add(new FieldViolation("command", "is required"));
        } else if (command.isString()) {
            if (command.asString().isBlank()) {
                violations.add(new FieldViolation("command", "must not be empty"));
            }
            argv.addAll(List.of("/bin/sh", "-c", command.asString()));
        } else if (command.isArray() && !command.isEmpty()) {
            for (JsonNode arg : command) {
                if (!arg.isString()) {
                    violations.add(new FieldViolation("command", "an argument vector holds strings only"));
                    break;
                }
                argv.add(arg.asString());
            }
            if (!argv.isEmpty() && argv.getFirst().isEmpty()) {
                violations.add(new FieldViolation("command", "the program must not be empty"));
            }
        } else {
            violations.add(new FieldViolation("command", "must be a command line or a non-empty array of strings"));
        }
        if (argv.stream().anyMatch(a -> a.indexOf('\0') >= 0)) {
            violations.add(new FieldViolation("command", "must not contain NUL characters"));
        }
        if (cwd != null && (cwd.isBlank() || cwd.indexOf('\0') >= 0 || cwd.length() > 4096)) {
            violations.add(new FieldViolation("cwd", "must be a directory path"));
        }
        Map<String, String> environment = env == null ? Map.of() : env;
        environment.forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0
                    || name.equals(ExecRequest.MARKER_VARIABLE)) {
                violations.add(new FieldViolation("env." + name, "is not an allowed variable name"));
            }
            if (value == null || value.indexOf('\0') >= 0) {
                violations.add(new FieldViolation("env." + name, "must be a string without NUL characters"));
            }
        });
        Duration limit = null;
        if (timeout != null && !timeout.isNull()) {
            limit = SandboxRequest.duration(timeout);
            if (limit == null || limit.isNegative() || limit.isZero() || limit.compareTo(config.maxExecTimeout()) > 0) {
                violations.add(new FieldViolation("timeout", "must be seconds or a duration like \"5m\", at most "
                        + config.maxExecTimeout().toSeconds() + "s"));
            }
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        return new ExecRequest(argv, cwd, environment, limit);
    }
}
