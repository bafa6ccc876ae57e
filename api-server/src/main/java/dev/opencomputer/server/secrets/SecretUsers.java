package dev.opencomputer.server.secrets;

import dev.opencomputer.session.TenantId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who would break if a secret went away: agents whose current version names it (as the model
 * {@code credential}, or as an MCP server header), and GitHub triggers that use it as their token.
 */
@Component
class SecretUsers {

    private final JdbcClient jdbc;

    SecretUsers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The ids of what uses the tenant's secret {@code name}, sorted (agents first). */
    List<String> of(TenantId tenant, String name) {
        List<String> users = new ArrayList<>(jdbc.sql("""
                select a.id from agents a
                join agent_versions v on v.agent_id = a.id and v.version = a.current_version
                where a.tenant_id = ? and a.deleted_at is null
                  and (v.spec ->> 'credential' = ?
                       or jsonb_path_exists(v.spec, '$.mcpServers[*].headers.*.secret ? (@ == $n)',
                                            jsonb_build_object('n', cast(? as text))))
                order by a.id""").params(tenant.value(), name, name).query(String.class).list());
        users.addAll(jdbc.sql("select id from github_triggers where tenant_id = ? and credential = ? order by id")
                .params(tenant.value(), name).query(String.class).list());
        return users;
    }
}
