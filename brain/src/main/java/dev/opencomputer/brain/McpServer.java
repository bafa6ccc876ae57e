package dev.opencomputer.brain;

import dev.opencomputer.secrets.SecretName;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Model Context Protocol server of a session (the agent's, then the session's own): its tools are
 * offered to the model as {@code mcp__<name>__<tool>}. A {@link Stdio} server runs inside the
 * session's sandbox, next to its files and with no secret; an {@link Http} server is called from the
 * brain over Streamable HTTP, its header values read from the tenant's secrets at each request.
 */
public sealed interface McpServer permits McpServer.Stdio, McpServer.Http {

    /** What a server name is: 1–32 of {@code a-z 0-9 _ -}, unique in a session. */
    Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");

    /** The prefix of every MCP tool name the model sees. */
    String TOOL_PREFIX = "mcp__";

    String name();

    /**
     * A server started in the sandbox as {@code command args…}, speaking MCP over its stdin/stdout.
     *
     * @param env plain variables for the server process (never secrets: they reach the sandbox)
     */
    record Stdio(String name, String command, List<String> args, Map<String, String> env) implements McpServer {

        public Stdio {
            requireName(name);
            if (command == null || command.isBlank()) {
                throw new IllegalArgumentException("the MCP server " + name + " needs a command");
            }
            args = args == null ? List.of() : List.copyOf(args);
            env = env == null ? Map.of() : Map.copyOf(env);
        }
    }

    /**
     * A remote server reached at {@code url} from the brain.
     *
     * @param headers request headers whose values are the named secrets of the session's tenant
     */
    record Http(String name, URI url, Map<String, SecretName> headers) implements McpServer {

        public Http {
            requireName(name);
            Objects.requireNonNull(url, "url");
            headers = headers == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(headers));
        }
    }

    /** The tool name the model sees for {@code tool} of {@code server}. */
    static String toolName(String server, String tool) {
        return TOOL_PREFIX + server + "__" + tool;
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("__")) {
            throw new IllegalArgumentException("an MCP server name is 1 to 32 of a-z, 0-9, _ and -, without __: "
                    + name);
        }
    }
}
