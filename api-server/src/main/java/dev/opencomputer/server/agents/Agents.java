package dev.opencomputer.server.agents;

import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ResourceConflictException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import dev.opencomputer.session.PriceTable;
import dev.opencomputer.server.http.RequestBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Agents and their immutable versions. Every read is scoped by tenant: another tenant's agent is
 * reported exactly like a missing one.
 */
@Component
public class Agents {

    /** Fields of an agent that a client can never set: they come from the server. */
    private static final List<String> SERVER_OWNED = List.of("id", "version", "createdAt", "updatedAt");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RequestBodies bodies;
    private final PriceTable prices;
    private final TransactionTemplate transactions;
    private final ObjectProvider<CredentialCheck> credentialCheck;
    private final McpServerRules mcpRules;
    private final ObjectProvider<RuntimeCheck> runtimeCheck;
    private final Clock clock;
    private final EgressProperties egress;

    Agents(JdbcClient jdbc, JsonMapper json, TransactionTemplate transactions,
            ObjectProvider<CredentialCheck> credentialCheck, ObjectProvider<RuntimeCheck> runtimeCheck,
            McpServerRules mcpRules, Clock clock, PriceTable prices, EgressProperties egress, RequestBodies bodies) {
        this.egress = egress;
        this.bodies = bodies;
        this.mcpRules = mcpRules;
        this.prices = prices;
        this.jdbc = jdbc;
        this.json = json;
        this.transactions = transactions;
        this.credentialCheck = credentialCheck;
        this.runtimeCheck = runtimeCheck;
        this.clock = clock;
    }

    private AgentSpec validated(AgentSpec spec) {
        RuntimeCheck check = runtimeCheck.getIfAvailable();
        return (check == null ? spec.validated() : spec.validated(check.names())).networked(egress.allowOpen());
    }

    /** The spec with its runtime checked (installed) and the runtime's image filled in. */
    private AgentSpec checkRuntime(AgentSpec spec) {
        RuntimeCheck check = runtimeCheck.getIfAvailable();
        return check == null ? spec : check.requireInstalled(spec);
    }

    /** Creates version 1 of a new agent; a live agent of the same name is a conflict. */
    public Agent create(TenantId tenant, AgentSpec sent) {
        AgentSpec spec = checkRuntime(withMcpServers(validated(AgentSpec.withDefaults(sent)))).priced(prices);
        checkCredential(tenant, spec);
        Instant now = clock.instant();
        AgentId id = AgentId.next(now);
        try {
            transactions.executeWithoutResult(tx -> {
                jdbc.sql("""
                        insert into agents (id, tenant_id, name, current_version, created_at, updated_at)
                        values (?, ?, ?, 1, ?, ?)""")
                        .params(id.value(), tenant.value(), spec.name(), Timestamp.from(now), Timestamp.from(now))
                        .update();
                insertVersion(id, 1, spec, now);
            });
        } catch (DuplicateKeyException e) {
            throw nameTaken(spec.name());
        }
        return Agent.of(id.value(), 1, spec, now, now);
    }

    /**
     * Applies a JSON merge patch (RFC 7396) to the current version and stores the result as the
     * next version. Server-owned fields in the patch are ignored.
     */
    public Agent update(TenantId tenant, AgentId id, JsonNode patch) {
        try {
            return transactions.execute(tx -> {
                Agent current = jdbc.sql("""
                        select a.*, v.spec from agents a join agent_versions v
                          on v.agent_id = a.id and v.version = a.current_version
                        where a.id = ? and a.tenant_id = ? and a.deleted_at is null for update of a""")
                        .params(id.value(), tenant.value()).query(this::row).optional()
                        .orElseThrow(() -> notFound(id.value()));
                ObjectNode merged = json.valueToTree(current.spec());
                mergePatch(merged, patch);
                AgentSpec spec = checkRuntime(withMcpServers(validated(AgentSpec.withDefaults(bodies.read(merged,
                        AgentSpec.class))))).priced(prices);
                if (spec.credential() != null && !spec.credential().equals(current.credential())) {
                    checkCredential(tenant, spec);
                }
                Instant now = clock.instant();
                int version = current.version() + 1;
                jdbc.sql("update agents set current_version = ?, name = ?, updated_at = ? where id = ?")
                        .params(version, spec.name(), Timestamp.from(now), id.value()).update();
                insertVersion(id, version, spec, now);
                return Agent.of(id.value(), version, spec, current.createdAt(), now);
            });
        } catch (DuplicateKeyException e) {
            throw nameTaken(patch.path("name").asString());
        }
    }

    /** The current version of a live agent. */
    public Agent find(TenantId tenant, AgentId id) {
        return current(tenant, "a.id = ?", id.value()).orElseThrow(() -> notFound(id.value()));
    }

    /** The current version of a live agent named by id or by name. */
    public Agent resolve(TenantId tenant, String idOrName) {
        Optional<Agent> found = AgentId.isValid(idOrName)
                ? current(tenant, "a.id = ?", idOrName)
                : current(tenant, "a.name = ?", idOrName);
        return found.orElseThrow(() -> notFound(idOrName));
    }

    /** A given version of an agent; still readable after the agent is deleted, for the sessions that pin it. */
    public Agent findVersion(TenantId tenant, AgentId id, int version) {
        return jdbc.sql("""
                select a.id, a.created_at, v.version as current_version, v.created_at as updated_at, v.spec
                from agents a join agent_versions v on v.agent_id = a.id
                where a.id = ? and a.tenant_id = ? and v.version = ?""")
                .params(id.value(), tenant.value(), version).query(this::row).optional()
                .orElseThrow(() -> new ResourceNotFoundException("agent version", id.value() + "@" + version));
    }

    /** Every version of a live agent, newest first. */
    public List<Agent> versions(TenantId tenant, AgentId id) {
        find(tenant, id);
        return jdbc.sql("""
                select a.id, a.created_at, v.version as current_version, v.created_at as updated_at, v.spec
                from agents a join agent_versions v on v.agent_id = a.id
                where a.id = ? and a.tenant_id = ? order by v.version desc""")
                .params(id.value(), tenant.value()).query(this::row).list();
    }

    public Page<Agent> list(TenantId tenant, PageRequest page) {
        List<Agent> rows = jdbc.sql("""
                select a.*, v.spec from agents a join agent_versions v
                  on v.agent_id = a.id and v.version = a.current_version
                where a.tenant_id = ? and a.deleted_at is null and (cast(? as text) is null or a.id < ?)
                order by a.id desc limit ?""")
                .params(tenant.value(), page.before(), page.before(), page.limit() + 1).query(this::row).list();
        return page.page(rows, Agent::id);
    }

    /** Deletes the agent: its name is free again, its versions stay for the sessions that pinned them. */
    public void delete(TenantId tenant, AgentId id) {
        int deleted = jdbc.sql("update agents set deleted_at = ? where id = ? and tenant_id = ? and deleted_at is null")
                .params(Timestamp.from(clock.instant()), id.value(), tenant.value()).update();
        if (deleted == 0) {
            throw notFound(id.value());
        }
    }

    private Optional<Agent> current(TenantId tenant, String condition, String value) {
        return jdbc.sql("""
                select a.*, v.spec from agents a join agent_versions v
                  on v.agent_id = a.id and v.version = a.current_version
                where a.tenant_id = ? and a.deleted_at is null and\s""" + condition)
                .params(tenant.value(), value).query(this::row).optional();
    }

    private void insertVersion(AgentId id, int version, AgentSpec spec, Instant now) {
        jdbc.sql("insert into agent_versions (agent_id, version, spec, created_at) values (?, ?, cast(? as jsonb), ?)")
                .params(id.value(), version, json.writeValueAsString(spec), Timestamp.from(now)).update();
    }

    /** The spec with its MCP servers checked and their defaults filled in (a 422 naming the field otherwise). */
    private AgentSpec withMcpServers(AgentSpec spec) {
        return new AgentSpec(spec.name(), spec.model(), spec.provider(), spec.prompt(), spec.runtime(),
                spec.credential(), spec.tools(), spec.sandbox(), spec.limits(), spec.metadata(),
                mcpRules.checked("mcpServers", spec.mcpServers()), spec.permissions(), spec.clientTools(), spec.budget(),
                spec.skipOsInstructions(), spec.network());
    }

    private void checkCredential(TenantId tenant, AgentSpec spec) {
        if (spec.credential() != null) {
            credentialCheck.ifAvailable(check -> check.requireExists(tenant, spec.credential()));
        }
    }

    private void mergePatch(ObjectNode target, JsonNode patch) {
        if (!patch.isObject()) {
            throw new dev.opencomputer.server.problems.RequestInvalidException("", "the patch must be a JSON object");
        }
        for (var entry : patch.properties()) {
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            if (SERVER_OWNED.contains(field)) {
                continue;
            }
            if (value.isNull()) {
                target.remove(field);
            } else if (value.isObject() && target.get(field) instanceof ObjectNode nested) {
                mergePatch(nested, value);
            } else {
                target.set(field, value);
            }
        }
    }

    private Agent row(ResultSet rs, int rowNum) throws SQLException {
        AgentSpec spec = json.readValue(rs.getString("spec"), AgentSpec.class);
        return Agent.of(rs.getString("id"), rs.getInt("current_version"), spec,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("agent", id);
    }

    private static ResourceConflictException nameTaken(String name) {
        return new ResourceConflictException("an agent named '" + name + "' already exists");
    }
}
