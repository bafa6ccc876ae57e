package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code mcp.server_failed}: the session's MCP server {@code name} could not be started or reached,
 * or ended during a call; the run went on without it.
 */
public record McpServerFailed(long seq, String sessionId, Instant time, String name, String reason)
        implements StoredEvent {

    public static final String TYPE = "mcp.server_failed";

    @Override
    public String type() {
        return TYPE;
    }
}
