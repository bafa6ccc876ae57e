package dev.opencomputer.server.github;

import dev.opencomputer.server.http.RequestBodies;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.server.agents.Agents;
import dev.opencomputer.server.agents.CredentialCheck;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.MalformedRequestBodyException;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.Ids;
import dev.opencomputer.session.TenantId;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's GitHub triggers (the {@code github_triggers} table). Each trigger's hook secret is
 * kept in the tenant's secret store as {@code github.trigger.<id>}, encrypted like every secret,
 * and shown once, when the trigger is created.
 */
@Component
class GithubTriggers {

    static final String ID_PREFIX = "ght";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = """
            id, tenant_id, repository, label, agent_id, credential, input_template, branch_prefix, ref,
            steering_associations, disabled, created_at, updated_at""";

    /** A trigger with the tenant it belongs to, as the inbound hook finds it by id alone. */
    record Found(TenantId tenant, GithubTrigger trigger) {
    }

    private static final List<String> PATCHABLE = List.of("repository", "label", "agent", "credential",
            "inputTemplate", "branchPrefix", "ref", "steeringAssociations", "disabled");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Agents agents;
    private final CredentialCheck credentials;
    private final SecretStore secrets;
    private final TransactionTemplate transactions;
    private final Clock clock;

    GithubTriggers(JdbcClient jdbc, JsonMapper json, Agents agents, CredentialCheck credentials, SecretStore secrets,
            TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.agents = agents;
        this.credentials = credentials;
        this.secrets = secrets;
        this.transactions = transactions;
        this.clock = clock;
    }

    static boolean isId(String value) {
        return Ids.isShaped(ID_PREFIX, value);
    }

    static SecretName secretName(String triggerId) {
        return SecretName.parse("github.trigger." + triggerId);
    }

    /** Creates the trigger and its hook secret; the answer is the only place the secret is shown. */
    GithubTrigger create(TenantId tenant, TriggerSpec sent) {
        if (sent == null) {
            throw new MalformedRequestBodyException("the request body must be a JSON object");
        }
        TriggerSpec spec = resolved(tenant, sent.withDefaults().validated());
        Instant now = clock.instant();
        String id = Ids.next(ID_PREFIX, now);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        Arrays.fill(random, (byte) 0);
        SecretValue value = SecretValue.of(secret);
        try {
            secrets.put(tenant.value(), secretName(id), value);
        } finally {
            value.destroy();
        }
        try {
            jdbc.sql("insert into github_triggers (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(id, tenant.value(), spec.repository(), spec.label(), spec.agent(), spec.credential(),
                            spec.inputTemplate(), spec.branchPrefix(), spec.ref(),
                            spec.steeringAssociations().toArray(String[]::new), spec.disabled(),
                            Timestamp.from(now), Timestamp.from(now))
                    .update();
        } catch (RuntimeException e) {
            secrets.delete(tenant.value(), secretName(id));
            throw e;
        }
        return find(tenant, id).withSecret(secret);
    }

    GithubTrigger find(TenantId tenant, String id) {
        if (!isId(id)) {
            throw notFound(id);
        }
        return jdbc.sql("select " + COLUMNS + " from github_triggers where id = ? and tenant_id = ?")
                .params(id, tenant.value()).query(this::row).optional().map(Found::trigger)
                .orElseThrow(() -> notFound(id));
    }

    /** The trigger by id alone, for the inbound hook (whose signature then proves the sender). */
    Optional<Found> findForHook(String id) {
        if (!isId(id)) {
            return Optional.empty();
        }
        return jdbc.sql("select " + COLUMNS + " from github_triggers where id = ?").param(id).query(this::row)
                .optional();
    }

    Page<GithubTrigger> list(TenantId tenant, PageRequest page) {
        var rows = jdbc.sql("select " + COLUMNS + " from github_triggers where tenant_id = ?"
                        + (page.before() == null ? "" : " and id < ?") + " order by id desc limit ?")
                .params(page.before() == null
                        ? List.of(tenant.value(), page.limit() + 1)
                        : List.of(tenant.value(), page.before(), page.limit() + 1))
                .query(this::row).list().stream().map(Found::trigger).toList();
        return page.page(rows, GithubTrigger::id);
    }

    /** Applies a JSON merge patch of the spec's fields; {@code repository}, agent and credential are checked again. */
    GithubTrigger update(TenantId tenant, String id, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new MalformedRequestBodyException("the request body must be a JSON object");
        }
        // server-owned fields a client may send back after a GET are ignored; anything else unknown is refused
        RequestBodies.requireOnly(patch, "", PATCHABLE, List.of("id", "agentId", "webhookUrl", "createdAt",
                "updatedAt"));
        return transactions.execute(tx -> {
            GithubTrigger current = find(tenant, id);
            JsonNode merged = json.valueToTree(current.spec());
            for (var field : patch.properties()) {
                if (PATCHABLE.contains(field.getKey())) {
                    ((tools.jackson.databind.node.ObjectNode) merged).set(field.getKey(), field.getValue());
                }
            }
            TriggerSpec spec;
            try {
                spec = json.treeToValue(merged, TriggerSpec.class);
            } catch (RuntimeException e) {
                throw new MalformedRequestBodyException("a field of the patch has the wrong type");
            }
            spec = resolved(tenant, spec.withDefaults().validated());
            jdbc.sql("""
                    update github_triggers set repository = ?, label = ?, agent_id = ?, credential = ?,
                           input_template = ?, branch_prefix = ?, ref = ?, steering_associations = ?, disabled = ?,
                           updated_at = ?
                     where id = ? and tenant_id = ?""")
                    .params(spec.repository(), spec.label(), spec.agent(), spec.credential(), spec.inputTemplate(),
                            spec.branchPrefix(), spec.ref(), spec.steeringAssociations().toArray(String[]::new),
                            spec.disabled(), Timestamp.from(clock.instant()), id, tenant.value())
                    .update();
            return find(tenant, id);
        });
    }

    void delete(TenantId tenant, String id) {
        if (!isId(id) || jdbc.sql("delete from github_triggers where id = ? and tenant_id = ?")
                .params(id, tenant.value()).update() == 0) {
            throw notFound(id);
        }
        secrets.delete(tenant.value(), secretName(id));
    }

    /** The spec with its agent given by id, after checking that the agent and the credential exist. */
    private TriggerSpec resolved(TenantId tenant, TriggerSpec spec) {
        String agentId;
        try {
            agentId = agents.resolve(tenant, spec.agent()).id();
        } catch (ResourceNotFoundException e) {
            throw new RequestInvalidException("agent", "no agent with this id or name");
        }
        credentials.requireExists(tenant, spec.credential());
        return new TriggerSpec(spec.repository(), spec.label(), agentId, spec.credential(), spec.inputTemplate(),
                spec.branchPrefix(), spec.ref(), spec.steeringAssociations(), spec.disabled());
    }

    private Found row(ResultSet rs, int rowNum) throws SQLException {
        Array associations = rs.getArray("steering_associations");
        String id = rs.getString("id");
        return new Found(new TenantId(rs.getString("tenant_id")), new GithubTrigger(id, rs.getString("repository"),
                rs.getString("label"), rs.getString("agent_id"), rs.getString("credential"),
                rs.getString("input_template"), rs.getString("branch_prefix"), rs.getString("ref"),
                List.of((String[]) associations.getArray()), rs.getBoolean("disabled"), "/v1/github/hooks/" + id, null,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()));
    }

    private static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("GitHub trigger", id);
    }
}
