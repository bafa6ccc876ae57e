package dev.opencomputer.server.sessions;

import dev.opencomputer.server.budgets.BudgetView;
import java.time.Instant;
import java.util.Map;

/**
 * A session as the API shows it. {@code lastSeq} is the seq of its last event. The answer to
 * {@code POST /v1/sessions} adds {@code streamUrl}, {@code clientToken} and
 * {@code clientTokenExpiresAt}. {@code sandboxId} is the sandbox its tools run in, {@code cwd} the
 * working directory of its commands (null = {@code /workspace}); the session's env is never shown,
 * so that a value put there by mistake does not travel further. {@code mcpServers} (the agent's and the
 * session's, with their state), {@code pending} (the permission requests and client tool calls it
 * waits for) and {@code budget} (limits in force, spend, exhaustion) are shown by
 * {@code GET /v1/sessions/{id}} only (the budget also by the start), not in lists; so are
 * {@code agentInfo} and {@code capabilities} of a session whose ACP agent has initialised (its last
 * {@code runtime.ready}; left out for {@code native} sessions and before the agent's first start).
 */
public record SessionView(String id, String status, String agentId, int agentVersion, long lastSeq,
        String sandboxId, String cwd, Map<String, String> metadata, Instant createdAt, Instant updatedAt,
        java.util.List<McpServerView> mcpServers, PendingWaits pending, BudgetView budget,
        Map<String, Object> agentInfo, Map<String, Object> capabilities) {

    /** A view without the ACP agent's description. */
    public SessionView(String id, String status, String agentId, int agentVersion, long lastSeq, String sandboxId,
            String cwd, Map<String, String> metadata, Instant createdAt, Instant updatedAt,
            java.util.List<McpServerView> mcpServers, PendingWaits pending, BudgetView budget) {
        this(id, status, agentId, agentVersion, lastSeq, sandboxId, cwd, metadata, createdAt, updatedAt, mcpServers,
                pending, budget, null, null);
    }

    SessionView(String id, String status, String agentId, int agentVersion, long lastSeq, String sandboxId,
            String cwd, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {
        this(id, status, agentId, agentVersion, lastSeq, sandboxId, cwd, metadata, createdAt, updatedAt, null, null,
                null);
    }

    SessionView withMcpServers(java.util.List<McpServerView> servers) {
        return new SessionView(id, status, agentId, agentVersion, lastSeq, sandboxId, cwd, metadata, createdAt,
                updatedAt, servers, pending, budget, agentInfo, capabilities);
    }

    /** This view with what the session waits for. */
    SessionView withPending(PendingWaits waits) {
        return new SessionView(id, status, agentId, agentVersion, lastSeq, sandboxId, cwd, metadata, createdAt,
                updatedAt, mcpServers, waits, budget, agentInfo, capabilities);
    }

    /** This view with its budget. */
    SessionView with(BudgetView budget) {
        return new SessionView(id, status, agentId, agentVersion, lastSeq, sandboxId, cwd, metadata, createdAt,
                updatedAt, mcpServers, pending, budget, agentInfo, capabilities);
    }

    /** This view with the ACP agent's {@code agentInfo} and {@code capabilities} (from its {@code runtime.ready}). */
    SessionView withAgent(Map<String, Object> info, Map<String, Object> agentCapabilities) {
        return new SessionView(id, status, agentId, agentVersion, lastSeq, sandboxId, cwd, metadata, createdAt,
                updatedAt, mcpServers, pending, budget, info, agentCapabilities);
    }

    boolean isClosed() {
        return "closed".equals(status);
    }
}
