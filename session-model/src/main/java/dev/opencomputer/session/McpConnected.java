package dev.opencomputer.session;

import java.util.List;
import java.util.Objects;

/**
 * The brain connected to the session's MCP server {@code name} and offered its {@code tools} to the
 * model, each as {@code mcp__<name>__<tool>}; appended when a run connects, and again when the
 * server's tool list changed. Wire name {@value #TYPE}.
 *
 * @param tools the server's tool names, as the server names them
 */
public record McpConnected(String name, List<String> tools) implements SessionEvent {

    public static final String TYPE = "mcp.connected";

    public McpConnected {
        Objects.requireNonNull(name, "name");
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
