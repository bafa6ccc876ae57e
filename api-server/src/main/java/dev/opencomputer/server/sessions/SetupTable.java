package dev.opencomputer.server.sessions;

import dev.opencomputer.server.agents.AgentSpec;
import dev.opencomputer.server.agents.McpServerSpec;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SQL of api-server's {@code session_setups} table (migrations {@code V3_1}, {@code V9_1}, {@code V13}): what a session was
 * started with besides its log. The session rows themselves belong to the event log
 * ({@link dev.opencomputer.eventlog.SessionDirectory}); callers join the two by session id.
 */
@Component
class SetupTable {

    private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {
    };
    private static final TypeReference<List<McpServerSpec>> MCP_SERVERS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SetupTable(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Where a session's commands run: its sandbox and working directory (null = {@code /workspace}). */
    record Placement(SandboxId sandbox, String cwd) {
    }

    /**
     * A session's whole setup; {@code mcpServers} are the session's own MCP servers, {@code permissions}
     * the session's own rules (null for none).
     */
    record Setup(SandboxId sandbox, Map<String, String> env, String cwd, String additionalInstructions,
            List<McpServerSpec> mcpServers, AgentSpec.Permissions permissions, AgentSpec.Network network) {
    }

    /** A session on a sandbox, and whether the sandbox was created for it. */
    record Occupant(SessionId session, boolean ownsSandbox) {
    }

    void insert(SessionId session, TenantId tenant, SandboxId sandbox, boolean ownsSandbox, Map<String, String> env,
            String cwd, String additionalInstructions, Instant at) {
        insert(session, tenant, sandbox, ownsSandbox, env, cwd, additionalInstructions, List.of(), null, at);
    }

    void insert(SessionId session, TenantId tenant, SandboxId sandbox, boolean ownsSandbox, Map<String, String> env,
            String cwd, String additionalInstructions, List<McpServerSpec> mcpServers,
            AgentSpec.Permissions permissions, Instant at) {
        insert(session, tenant, sandbox, ownsSandbox, env, cwd, additionalInstructions, mcpServers, permissions, null,
                at);
    }

    void insert(SessionId session, TenantId tenant, SandboxId sandbox, boolean ownsSandbox, Map<String, String> env,
            String cwd, String additionalInstructions, List<McpServerSpec> mcpServers,
            AgentSpec.Permissions permissions, AgentSpec.Network network, Instant at) {
        // the sandbox's row is locked while the setup is recorded: the reaper of sandboxes whose session
        // was never recorded takes the same lock (Sandboxes.reapStray), so one of the two wins cleanly
        int inserted = jdbc.sql("""
                with live as (select id from sandboxes where id = ? and deleted_at is null for share)
                insert into session_setups (session_id, tenant_id, sandbox_id, sandbox_owned, env, cwd,
                                            additional_instructions, mcp_servers, permissions, network, created_at)
                select ?, ?, live.id, ?, cast(? as jsonb), ?, ?, cast(? as jsonb), cast(? as jsonb), cast(? as jsonb), ?
                from live""")
                .params(sandbox.value(), session.value(), tenant.value(), ownsSandbox, json.writeValueAsString(env), cwd,
                        additionalInstructions, json.writeValueAsString(mcpServers),
                        permissions == null ? null : json.writeValueAsString(permissions),
                        network == null ? null : json.writeValueAsString(network), Timestamp.from(at))
                .update();
        if (inserted == 0) {
            throw new SandboxGoneException(sandbox);
        }
    }

    /** The session's sandbox was removed before its setup could be recorded. */
    static final class SandboxGoneException extends RuntimeException {
        SandboxGoneException(SandboxId sandbox) {
            super("the sandbox " + sandbox.value() + " was removed before the session could be recorded");
        }
    }

    void delete(SessionId session) {
        jdbc.sql("delete from session_setups where session_id = ?").param(session.value()).update();
    }

    /** The placements of those of {@code sessions} that have a setup, by session. */
    Map<SessionId, Placement> placements(Collection<SessionId> sessions) {
        if (sessions.isEmpty()) {
            return Map.of();
        }
        Map<SessionId, Placement> found = new HashMap<>();
        jdbc.sql("select session_id, sandbox_id, cwd from session_setups where session_id = any (?)")
                .param(ids(sessions))
                .query(rs -> {
                    found.put(SessionId.parse(rs.getString(1)), new Placement(SandboxId.parse(rs.getString(2)),
                            rs.getString(3)));
                });
        return found;
    }

    /** The setup of {@code session} if it was made for {@code tenant}. */
    Optional<Setup> find(TenantId tenant, SessionId session) {
        return jdbc.sql("""
                select sandbox_id, env::text as env, cwd, additional_instructions, mcp_servers::text as mcp_servers,
                       permissions::text as permissions, network::text as network
                  from session_setups
                 where session_id = ? and tenant_id = ?""")
                .params(session.value(), tenant.value())
                .query((rs, n) -> new Setup(SandboxId.parse(rs.getString("sandbox_id")),
                        json.readValue(rs.getString("env"), ENV), rs.getString("cwd"),
                        rs.getString("additional_instructions"), json.readValue(rs.getString("mcp_servers"), MCP_SERVERS),
                        rs.getString("permissions") == null ? null
                                : json.readValue(rs.getString("permissions"), AgentSpec.Permissions.class),
                        rs.getString("network") == null ? null
                                : json.readValue(rs.getString("network"), AgentSpec.Network.class)))
                .optional();
    }

    /** The sessions of {@code tenant} on {@code sandbox}. */
    List<Occupant> occupants(TenantId tenant, SandboxId sandbox) {
        return jdbc.sql("select session_id, sandbox_owned from session_setups where sandbox_id = ? and tenant_id = ?")
                .params(sandbox.value(), tenant.value())
                .query((rs, n) -> new Occupant(SessionId.parse(rs.getString(1)), rs.getBoolean(2)))
                .list();
    }

    /** Every session on each of {@code sandboxes}, whichever tenant's, by sandbox. */
    Map<SandboxId, List<SessionId>> sessionsOn(Collection<SandboxId> sandboxes) {
        if (sandboxes.isEmpty()) {
            return Map.of();
        }
        Map<SandboxId, List<SessionId>> found = new HashMap<>();
        jdbc.sql("select sandbox_id, session_id from session_setups where sandbox_id = any (?)")
                .param(sandboxes.stream().map(SandboxId::value).distinct().toArray(String[]::new))
                .query(rs -> {
                    found.computeIfAbsent(SandboxId.parse(rs.getString(1)), k -> new ArrayList<>())
                            .add(SessionId.parse(rs.getString(2)));
                });
        return found;
    }

    private static String[] ids(Collection<SessionId> sessions) {
        return sessions.stream().map(SessionId::value).distinct().toArray(String[]::new);
    }

    /** The sessions whose setup names {@code sandbox} (closed ones included; the caller filters). */
    List<SessionId> sessionsOn(TenantId tenant, SandboxId sandbox) {
        return jdbc.sql("select session_id from session_setups where tenant_id = ? and sandbox_id = ?")
                .params(tenant.value(), sandbox.value()).query(String.class).list().stream()
                .map(SessionId::parse).toList();
    }
}
