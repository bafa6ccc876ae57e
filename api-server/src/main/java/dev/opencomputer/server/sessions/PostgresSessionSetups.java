package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.AgentSetup;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.SessionSetup;
import dev.opencomputer.brain.SessionSetups;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.server.agents.Agent;
import dev.opencomputer.server.agents.Agents;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.sandboxes.Sandboxes;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The brain's {@link SessionSetups} port on the API's tables: the session's row (tenant, pinned
 * agent version), its {@code session_setups} row (sandbox, env, cwd, additional instructions), the
 * pinned {@code agent_versions} spec and the sandbox's row. A session whose setup, agent version or
 * sandbox is gone has no setup (the brain fails it with {@code session_setup_missing}).
 */
@Component
class PostgresSessionSetups implements SessionSetups {

    private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final Agents agents;
    private final Sandboxes sandboxes;
    private final JsonMapper json;

    PostgresSessionSetups(JdbcClient jdbc, Agents agents, Sandboxes sandboxes, JsonMapper json) {
        this.jdbc = jdbc;
        this.agents = agents;
        this.sandboxes = sandboxes;
        this.json = json;
    }

    private record Row(TenantId tenant, AgentId agent, int version, SandboxId sandbox, Map<String, String> env,
            String cwd, String additionalInstructions) {
    }

    @Override
    public Optional<SessionSetup> load(SessionId session) {
        Optional<Row> found = jdbc.sql("""
                select s.tenant_id, s.agent_id, s.agent_version, u.sandbox_id, u.env::text as env, u.cwd,
                       u.additional_instructions
                from sessions s join session_setups u on u.session_id = s.id and u.tenant_id = s.tenant_id
                where s.id = ?""")
                .param(session.value())
                .query((rs, n) -> new Row(TenantId.parse(rs.getString("tenant_id")),
                        AgentId.parse(rs.getString("agent_id")), rs.getInt("agent_version"),
                        SandboxId.parse(rs.getString("sandbox_id")), json.readValue(rs.getString("env"), ENV),
                        rs.getString("cwd"), rs.getString("additional_instructions")))
                .optional();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Row row = found.get();
        Agent agent;
        try {
            agent = agents.findVersion(row.tenant(), row.agent(), row.version());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        Optional<SandboxSpec> sandbox = sandboxes.spec(row.tenant(), row.sandbox());
        if (sandbox.isEmpty()) {
            return Optional.empty();
        }
        AgentSetup setup = new AgentSetup(row.agent(), row.version(), ModelProvider.parse(agent.provider()),
                agent.model(), null, agent.prompt(),
                agent.credential() == null ? null : SecretName.parse(agent.credential()),
                AgentSetup.tools(agent.tools()), Duration.ofSeconds(agent.limits().maxRunTimeSeconds()),
                agent.limits().maxSteps());
        return Optional.of(new SessionSetup(row.tenant(), setup, sandbox.get(), row.env(), row.cwd(),
                row.additionalInstructions()));
    }
}
