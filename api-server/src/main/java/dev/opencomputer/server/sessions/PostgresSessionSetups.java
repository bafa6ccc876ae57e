package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.AgentSetup;
import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.brain.McpServer;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.PermissionPolicy;
import dev.opencomputer.brain.SessionSetup;
import dev.opencomputer.brain.SessionSetups;
import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.server.agents.Agent;
import dev.opencomputer.server.agents.AgentPermissions;
import dev.opencomputer.server.agents.ClientTools;
import dev.opencomputer.server.agents.AgentSpec;
import dev.opencomputer.server.agents.Agents;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.sandboxes.Sandboxes;
import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The brain's {@link SessionSetups} port: the session's row from the event log's
 * {@link SessionDirectory} (tenant, pinned agent version), its {@code session_setups} row (sandbox,
 * env, cwd, additional instructions, its own MCP servers), the pinned {@code agent_versions} spec (the
 * agent's MCP servers come first) and the sandbox's row.
 * A session whose setup, agent version or sandbox is gone has no setup (the brain fails it with
 * {@code session_setup_missing}).
 */
@Component
class PostgresSessionSetups implements SessionSetups {

    private final SessionDirectory directory;
    private final SetupTable setups;
    private final Agents agents;
    private final Sandboxes sandboxes;
    private final EgressProperties egress;

    PostgresSessionSetups(SessionDirectory directory, SetupTable setups, Agents agents, Sandboxes sandboxes,
            EgressProperties egress) {
        this.egress = egress;
        this.directory = directory;
        this.setups = setups;
        this.agents = agents;
        this.sandboxes = sandboxes;
    }

    @Override
    public Optional<SessionSetup> load(SessionId id) {
        Optional<Session> stored = directory.find(id);
        Optional<SetupTable.Setup> found = stored.flatMap(s -> setups.find(s.tenantId(), id));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Session session = stored.get();
        SetupTable.Setup started = found.get();
        TenantId tenant = session.tenantId();
        Agent agent;
        try {
            agent = agents.findVersion(tenant, session.agentId(), session.agentVersion());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        Optional<SandboxSpec> sandbox = sandboxes.spec(tenant, started.sandbox());
        if (sandbox.isEmpty()) {
            return Optional.empty();
        }
        AgentSetup setup = new AgentSetup(session.agentId(), session.agentVersion(),
                ModelProvider.parse(agent.provider()), agent.model(), null, agent.prompt(),
                agent.credential() == null ? null : SecretName.parse(agent.credential()),
                AgentSetup.tools(agent.tools()), Duration.ofSeconds(agent.limits().maxRunTimeSeconds()),
                agent.limits().maxSteps(), permissions(agent, started), ClientTools.specs(agent.clientTools()),
                AgentSpec.Budget.limits(agent.budget()), agent.runtime(), Boolean.TRUE.equals(agent.skipOsInstructions()));
        List<McpServer> mcpServers = new ArrayList<>();
        agent.mcpServers().forEach(server -> mcpServers.add(server.toServer()));
        started.mcpServers().forEach(server -> mcpServers.add(server.toServer()));
        return Optional.of(new SessionSetup(tenant, setup, sandbox.get(), started.env(), started.cwd(),
                started.additionalInstructions(), mcpServers, network(agent, started)));
    }

    /** The session's own network policy, else its agent version's, else the operator's default. */
    private NetworkPolicy network(Agent agent, SetupTable.Setup started) {
        return started.network() != null ? started.network().policy()
                : AgentSpec.Network.effective(agent.network(), egress.defaultPolicy());
    }

    /** The agent's permission policy, tightened by the session's own rules. */
    private static PermissionPolicy permissions(Agent agent, SetupTable.Setup started) {
        PermissionPolicy policy = AgentPermissions.policy(agent.permissions());
        return started.permissions() == null ? policy : policy.tightenedBy(AgentPermissions.rules(started.permissions()));
    }
}
