package dev.opencomputer.server.agents;

import dev.opencomputer.brain.McpServer;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.server.problems.FieldViolation;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of an agent's or a session's {@code mcpServers}, as the API takes and shows it: a stdio
 * server ({@code command}, {@code args}, {@code env}) started inside the sandbox, or a remote one
 * ({@code type: "http"}, {@code url}, {@code headers} whose values name secrets) called from the brain.
 *
 * @param type {@code stdio} (the default when {@code command} is given) or {@code http}
 */
public record McpServerSpec(String name, String type, String command, List<String> args, Map<String, String> env,
        String url, Map<String, SecretRef> headers) {

    public static final String STDIO = "stdio";
    public static final String HTTP = "http";
    /** Most servers one session may have, the agent's and its own together. */
    public static final int MAX_SERVERS = 20;

    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "content-type", "accept",
            "connection", "mcp-session-id", "mcp-protocol-version", "last-event-id", "transfer-encoding", "upgrade");

    /** A header value: the name of one of the tenant's secrets, read by the brain at each request. */
    public record SecretRef(String secret) {
    }

    /** This entry with its type filled in and empty collections for absent ones. */
    McpServerSpec withDefaults() {
        String kind = type != null ? type : url != null && command == null ? HTTP : STDIO;
        return new McpServerSpec(name, kind, command, args == null ? List.of() : args,
                env == null ? Map.of() : new LinkedHashMap<>(env), url,
                headers == null ? Map.of() : new LinkedHashMap<>(headers));
    }

    /** The shape rules of the entries of {@code field} (DNS is checked by {@link McpServerRules}). */
    static List<FieldViolation> violations(String field, List<McpServerSpec> servers) {
        List<FieldViolation> v = new ArrayList<>();
        if (servers.size() > MAX_SERVERS) {
            v.add(new FieldViolation(field, "must have at most " + MAX_SERVERS + " servers"));
            return v;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            String at = field + "[" + i + "]";
            McpServerSpec server = servers.get(i);
            if (server == null) {
                v.add(new FieldViolation(at, "must be an object"));
                continue;
            }
            if (server.name() == null || !McpServer.NAME.matcher(server.name()).matches()
                    || server.name().contains("__")) {
                v.add(new FieldViolation(at + ".name", "must be 1 to 32 of a-z, 0-9, '_' and '-' (no '__')"));
            } else if (!names.add(server.name())) {
                v.add(new FieldViolation(at + ".name", "must be unique in the session; '" + server.name()
                        + "' is taken"));
            }
            switch (server.type()) {
                case STDIO -> stdio(at, server, v);
                case HTTP -> http(at, server, v);
                default -> v.add(new FieldViolation(at + ".type", "must be 'stdio' (the default) or 'http'"));
            }
        }
        return v;
    }

    private static void stdio(String at, McpServerSpec server, List<FieldViolation> v) {
        if (server.command() == null || server.command().isBlank() || server.command().length() > 1024
                || server.command().indexOf('\0') >= 0) {
            v.add(new FieldViolation(at + ".command", "is required: the program to start in the sandbox"));
        }
        if (server.url() != null || !server.headers().isEmpty()) {
            v.add(new FieldViolation(at + ".url", "is only for type 'http'; a stdio server has a command"));
        }
        if (server.args().size() > 100 || server.args().stream().anyMatch(a -> a == null || a.length() > 4096
                || a.indexOf('\0') >= 0)) {
            v.add(new FieldViolation(at + ".args", "must be at most 100 strings of at most 4096 characters"));
        }
        if (server.env().size() > 100) {
            v.add(new FieldViolation(at + ".env", "has more than 100 variables"));
        }
        server.env().forEach((key, value) -> {
            if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || key.startsWith("OC_")) {
                v.add(new FieldViolation(at + ".env." + key, "is not a variable name (names starting with OC_ are "
                        + "reserved)"));
            } else if (value == null || value.length() > 32_768 || value.indexOf('\0') >= 0) {
                v.add(new FieldViolation(at + ".env." + key, "must be a string of at most 32768 characters"));
            }
        });
    }

    private static void http(String at, McpServerSpec server, List<FieldViolation> v) {
        if (server.command() != null || !server.args().isEmpty() || !server.env().isEmpty()) {
            v.add(new FieldViolation(at + ".command", "is only for stdio servers; an http server has a url"));
        }
        if (server.url() == null || server.url().isBlank()) {
            v.add(new FieldViolation(at + ".url", "is required for type 'http'"));
        }
        if (server.headers().size() > 20) {
            v.add(new FieldViolation(at + ".headers", "must have at most 20 headers"));
        }
        server.headers().forEach((header, ref) -> {
            if (!HEADER.matcher(header).matches() || RESERVED_HEADERS.contains(header.toLowerCase(java.util.Locale.ROOT))) {
                v.add(new FieldViolation(at + ".headers." + header, "is not a header the brain may set"));
            } else if (ref == null || ref.secret() == null || !SecretName.isValid(ref.secret())) {
                v.add(new FieldViolation(at + ".headers." + header, "must be {\"secret\": <the name of a secret>}; "
                        + "header values are never taken in plain"));
            }
        });
    }

    /** The server as the brain runs it. */
    public McpServer toServer() {
        McpServerSpec s = withDefaults();
        if (HTTP.equals(s.type())) {
            Map<String, SecretName> secretHeaders = new LinkedHashMap<>();
            s.headers().forEach((header, ref) -> secretHeaders.put(header, SecretName.parse(ref.secret())));
            return new McpServer.Http(s.name(), URI.create(s.url().strip()), secretHeaders);
        }
        return new McpServer.Stdio(s.name(), s.command(), s.args(), s.env());
    }
}
