package dev.opencomputer.session;

import java.util.Objects;

/**
 * The session's MCP server {@code name} could not be started or reached, or stopped answering; its
 * tools are not offered until a later run (or call) connects again. The run goes on. Wire name
 * {@value #TYPE}.
 *
 * @param reason what went wrong, for people; never a header value
 */
public record McpServerFailed(String name, String reason) implements SessionEvent {

    public static final String TYPE = "mcp.server_failed";

    public McpServerFailed {
        Objects.requireNonNull(name, "name");
        reason = reason == null ? "" : reason;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
