package dev.opencomputer.server.sessions;

/**
 * One MCP server of a session as {@code GET /v1/sessions/{id}} shows it: where it came from, what
 * kind it is, and its state as the log last recorded it ({@code pending} until a run connected to it,
 * then {@code connected} with its tool count, or {@code failed} with the reason).
 *
 * @param source {@code agent} or {@code session}
 * @param type   {@code stdio} or {@code http}
 */
public record McpServerView(String name, String source, String type, String status, int tools, String reason) {
}
