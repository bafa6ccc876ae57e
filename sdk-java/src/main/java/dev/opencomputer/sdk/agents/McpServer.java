package dev.opencomputer.sdk.agents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One MCP server of an agent or a session: a {@code stdio} server ({@code command}, {@code args},
 * {@code env}) started inside the sandbox, or a remote {@code http} one ({@code url}) called from the
 * brain, whose {@code headers} name tenant secrets, never hold their values. Null fields are not sent.
 *
 * @param type {@code stdio} (the default when {@code command} is given) or {@code http}
 */
public record McpServer(String name, String type, String command, List<String> args, Map<String, String> env,
        String url, Map<String, SecretRef> headers) {

    public McpServer {
        Objects.requireNonNull(name, "name");
        args = args == null ? null : List.copyOf(args);
        env = env == null ? null : Map.copyOf(env);
        headers = headers == null ? null : Map.copyOf(new LinkedHashMap<>(headers));
    }

    /** A header value: the name of one of the tenant's secrets, read by the brain at each request. */
    public record SecretRef(String secret) {
        public SecretRef {
            Objects.requireNonNull(secret, "secret");
        }
    }

    /** A server started inside the sandbox as {@code command args…}. */
    public static McpServer stdio(String name, String command, String... args) {
        return new McpServer(name, "stdio", Objects.requireNonNull(command, "command"), List.of(args), null, null,
                null);
    }

    /** A remote server reached over streamable HTTP. */
    public static McpServer http(String name, String url) {
        return new McpServer(name, "http", null, null, null, Objects.requireNonNull(url, "url"), null);
    }

    /** This server with one more environment variable (stdio). */
    public McpServer withEnv(String variable, String value) {
        Map<String, String> more = new LinkedHashMap<>(env == null ? Map.of() : env);
        more.put(variable, value);
        return new McpServer(name, type, command, args, more, url, headers);
    }

    /** This server with one more header whose value is the secret {@code secretName} (http). */
    public McpServer withHeader(String header, String secretName) {
        Map<String, SecretRef> more = new LinkedHashMap<>(headers == null ? Map.of() : headers);
        more.put(header, new SecretRef(secretName));
        return new McpServer(name, type, command, args, env, url, more);
    }
}
