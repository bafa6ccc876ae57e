package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.List;

/**
 * {@code mcp.connected}: a run connected to the session's MCP server {@code name} and offered its
 * tools to the model as {@code mcp__<name>__<tool>} (again when the server's tool list changed).
 *
 * @param tools the server's tool names
 */
public record McpConnected(long seq, String sessionId, Instant time, String name, List<String> tools)
        implements StoredEvent {

    public static final String TYPE = "mcp.connected";

    public McpConnected {
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
