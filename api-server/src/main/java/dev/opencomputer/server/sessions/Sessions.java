package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.BrainWorker;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.server.sandboxes.SandboxRequest;
import dev.opencomputer.server.sandboxes.Sandboxes;
import dev.opencomputer.session.SandboxId;
import java.sql.Timestamp;
import org.springframework.beans.factory.ObjectProvider;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.server.agents.Agent;
import dev.opencomputer.server.agents.Agents;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionClosed;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.SessionWoke;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.UserMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant's sessions: starting one (its row and first events, in one transaction, through the
 * event log), reading them, and posting messages. Every read is scoped by tenant: another
 * tenant's session is reported exactly like a missing one.
 */
@Component
public class Sessions {

    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };
    private static final String COLUMNS = """
            s.id, s.status, s.agent_id, s.agent_version, s.last_seq, u.sandbox_id, u.cwd, s.metadata::text AS metadata,
            s.created_at, s.updated_at""";
    private static final String FROM = " FROM sessions s LEFT JOIN session_setups u ON u.session_id = s.id";

    private final JdbcClient jdbc;
    private final EventLog eventLog;
    private final Agents agents;
    private final JsonMapper json;
    private final SessionsProperties properties;
    private final Clock clock;
    private final Sandboxes sandboxes;
    private final ObjectProvider<BrainWorker> brain;

    Sessions(JdbcClient jdbc, EventLog eventLog, Agents agents, JsonMapper json, SessionsProperties properties,
            Clock clock, Sandboxes sandboxes, ObjectProvider<BrainWorker> brain) {
        this.sandboxes = sandboxes;
        this.brain = brain;
        this.jdbc = jdbc;
        this.eventLog = eventLog;
        this.agents = agents;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Starts a session of the agent's current version: its sandbox (created from the agent's image,
     * or the tenant's existing sandbox named by {@code sandbox}), its setup row, then the session
     * row with {@code session.started} and the first {@code user.message}, status {@code pending};
     * then wakes this replica's brain worker. Whatever fails on the way (engine unreachable, a limit)
     * leaves nothing behind: no session exists without its sandbox and setup.
     */
    public SessionView start(TenantId tenant, StartSession request) {
        List<FieldViolation> violations = new ArrayList<>();
        if (request.agent() == null || request.agent().isBlank()) {
            violations.add(new FieldViolation("agent", "is required (an agent id or name)"));
        }
        checkText("input", request.input(), violations);
        Map<String, String> metadata = request.metadata() == null ? Map.of() : request.metadata();
        checkMetadata(metadata, violations);
        Map<String, String> env = request.env() == null ? Map.of() : request.env();
        String cwd = request.cwd() == null || request.cwd().isBlank() ? null : request.cwd().strip();
        checkCommandSetup(env, cwd, violations);
        String instructions = request.additionalInstructions() == null ? "" : request.additionalInstructions();
        if (instructions.length() > properties.maxMessageLength()) {
            violations.add(new FieldViolation("additionalInstructions",
                    "is longer than " + properties.maxMessageLength() + " characters"));
        }
        SandboxId attached = null;
        if (request.sandbox() != null) {
            if (!SandboxId.isValid(request.sandbox())) {
                violations.add(new FieldViolation("sandbox", "must be the id of one of your sandboxes (sbx_…)"));
            } else {
                attached = SandboxId.parse(request.sandbox());
            }
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        Agent agent;
        try {
            agent = agents.resolve(tenant, request.agent());
        } catch (ResourceNotFoundException e) {
            throw new RequestInvalidException("agent", "no agent with this id or name");
        }
        if (attached != null && !sandboxes.exists(tenant, attached)) {
            throw new RequestInvalidException("sandbox", "no sandbox with this id");
        }
        SandboxId sandbox = attached != null ? attached
                : SandboxId.parse(sandboxes.create(tenant,
                        new SandboxRequest(agent.sandbox() == null ? null : agent.sandbox().image(), null, null, null,
                                null)).id());
        AgentId agentId = AgentId.parse(agent.id());
        SessionId id = SessionId.next(clock.instant());
        try {
            jdbc.sql("""
                    insert into session_setups (session_id, tenant_id, sandbox_id, sandbox_owned, env, cwd,
                                                additional_instructions, created_at)
                    values (?, ?, ?, ?, cast(? as jsonb), ?, ?, ?)""")
                    .params(id.value(), tenant.value(), sandbox.value(), attached == null,
                            json.writeValueAsString(env), cwd, instructions, Timestamp.from(clock.instant()))
                    .update();
            eventLog.create(new NewSession(id, tenant, agentId, agent.version(), metadata), List.of(
                    new SessionStarted(agentId, agent.version(), agent.model(), null, metadata),
                    new UserMessage(request.input())));
        } catch (RuntimeException e) {
            undoStart(tenant, id, attached == null ? sandbox : null, e);
            throw e;
        }
        wakeBrain();
        return find(tenant, id);
    }

    /** The sandbox and setup of a session whose start failed half-way are removed again. */
    private void undoStart(TenantId tenant, SessionId id, SandboxId ownedSandbox, RuntimeException cause) {
        try {
            jdbc.sql("delete from session_setups where session_id = ?").param(id.value()).update();
            if (ownedSandbox != null) {
                sandboxes.delete(tenant, ownedSandbox);
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void wakeBrain() {
        brain.ifAvailable(BrainWorker::wake);
    }

    private static void checkCommandSetup(Map<String, String> env, String cwd, List<FieldViolation> violations) {
        if (env.size() > 100) {
            violations.add(new FieldViolation("env", "has more than 100 variables"));
            return;
        }
        for (Map.Entry<String, String> variable : env.entrySet()) {
            if (variable.getValue() == null || variable.getValue().length() > 32_768) {
                violations.add(new FieldViolation("env." + variable.getKey(), "must be a string of at most 32768 characters"));
                return;
            }
            if (variable.getKey().startsWith("OC_")) {
                violations.add(new FieldViolation("env." + variable.getKey(), "names starting with OC_ are reserved"));
                return;
            }
        }
        try {
            new ExecRequest(List.of("true"), null, env, null);
        } catch (IllegalArgumentException e) {
            violations.add(new FieldViolation("env", e.getMessage()));
        }
        if (cwd != null) {
            String absolute = cwd.startsWith("/") ? cwd : "/workspace/" + cwd;
            if (cwd.length() > 1024 || cwd.indexOf('\0') >= 0
                    || !(absolute.equals("/workspace") || absolute.startsWith("/workspace/"))
                    || java.util.Arrays.asList(absolute.split("/")).contains("..")) {
                violations.add(new FieldViolation("cwd", "must be a directory under /workspace (absolute, or relative to it)"));
            }
        }
    }

    /** The session, if it is the tenant's. */
    public SessionView find(TenantId tenant, SessionId id) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE s.id = ? AND s.tenant_id = ?")
                .params(id.value(), tenant.value()).query(this::row).optional()
                .orElseThrow(() -> new ResourceNotFoundException("session", id.value()));
    }

    /**
     * The tenant's persisted sessions (closed ones and those whose sandbox is gone included), newest
     * first, narrowed by {@code filter}.
     */
    public Page<SessionView> list(TenantId tenant, PageRequest page, SessionFilter filter) {
        String wanted = filter.status().map(SessionStatus::wireName).orElse(null);
        String agent = filter.agent().map(a -> AgentId.isValid(a) ? a : agentIdByName(tenant, a)).orElse(null);
        if (filter.agent().isPresent() && agent == null) {
            return page.page(List.of(), SessionView::id);
        }
        Timestamp after = filter.createdAfter().map(Timestamp::from).orElse(null);
        Timestamp before = filter.createdBefore().map(Timestamp::from).orElse(null);
        List<SessionView> rows = jdbc.sql("SELECT " + COLUMNS + FROM + """
                 WHERE s.tenant_id = ? AND (CAST(? AS text) IS NULL OR s.status = ?)
                  AND (CAST(? AS text) IS NULL OR s.agent_id = ?)
                  AND (CAST(? AS timestamptz) IS NULL OR s.created_at >= ?)
                  AND (CAST(? AS timestamptz) IS NULL OR s.created_at < ?)
                  AND (CAST(? AS text) IS NULL OR s.id < ?)
                ORDER BY s.id DESC LIMIT ?""")
                .params(tenant.value(), wanted, wanted, agent, agent, after, after, before, before,
                        page.before(), page.before(), page.limit() + 1)
                .query(this::row).list();
        return page.page(rows, SessionView::id);
    }

    private String agentIdByName(TenantId tenant, String name) {
        try {
            return agents.resolve(tenant, name).id();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /**
     * Closes the session: appends {@code session.closed} (the brain stops a run of it at its next
     * step) and removes its sandbox unless another live session uses it, or it is a sandbox of the
     * tenant's that the session only attached to. The log stays readable. Closing a closed session
     * changes nothing.
     */
    public SessionView close(TenantId tenant, SessionId id) {
        SessionView session = find(tenant, id);
        if (!session.isClosed()) {
            eventLog.append(id, new SessionClosed("closed"));
        }
        if (session.sandboxId() != null) {
            removeSandboxIfUnused(tenant, SandboxId.parse(session.sandboxId()), id);
        }
        return find(tenant, id);
    }

    /**
     * Wakes a hibernated session: starts its sandbox on the same workspace and appends
     * {@code session.woke}; the session is idle again (and hibernates again after the idle time). Any
     * other session is answered as it is.
     */
    public SessionView wake(TenantId tenant, SessionId id) {
        SessionView session = find(tenant, id);
        if (!"hibernated".equals(session.status())) {
            return session;
        }
        if (session.sandboxId() != null) {
            sandboxes.start(tenant, SandboxId.parse(session.sandboxId()));
        }
        eventLog.append(id, new SessionWoke());
        return find(tenant, id);
    }

    /**
     * Destroys the session: its sandbox (under the same rule as {@link #close}) first, so that a
     * failing engine leaves the session intact for a retry, then its row, every event and its setup.
     */
    public void destroy(TenantId tenant, SessionId id) {
        SessionView session = find(tenant, id);
        if (session.sandboxId() != null) {
            removeSandboxIfUnused(tenant, SandboxId.parse(session.sandboxId()), id);
        }
        jdbc.sql("delete from sessions where id = ? and tenant_id = ?").params(id.value(), tenant.value()).update();
        jdbc.sql("delete from session_setups where session_id = ?").param(id.value()).update();
    }

    /**
     * Removes {@code sandbox} when it was created for a session and no session but {@code leaving}
     * still uses it (one not closed); a shared one is only detached from, a sandbox the tenant
     * created itself is left alone.
     */
    private void removeSandboxIfUnused(TenantId tenant, SandboxId sandbox, SessionId leaving) {
        boolean remove = jdbc.sql("""
                SELECT coalesce(bool_or(u.sandbox_owned), false)
                       AND count(*) FILTER (WHERE u.session_id <> ? AND s.status <> 'closed') = 0
                  FROM session_setups u LEFT JOIN sessions s ON s.id = u.session_id
                 WHERE u.sandbox_id = ? AND u.tenant_id = ?""")
                .params(leaving.value(), sandbox.value(), tenant.value()).query(Boolean.class).single();
        if (remove) {
            try {
                sandboxes.delete(tenant, sandbox);
            } catch (ResourceNotFoundException e) {
                // removed already (an earlier close, or through /v1/sandboxes)
            }
        }
    }

    /** Appends a {@code user.message} to the tenant's session; returns it with its seq. */
    public LoggedEvent postMessage(TenantId tenant, SessionId id, PostMessage message) {
        List<FieldViolation> violations = new ArrayList<>();
        checkText("text", message.text(), violations);
        if (message.mode() != null && !message.mode().equals("queue") && !message.mode().equals("interrupt")) {
            violations.add(new FieldViolation("mode", "must be queue or interrupt"));
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        SessionView session = find(tenant, id);
        if (session.isClosed()) {
            throw new SessionClosedException(id.value());
        }
        LoggedEvent event = message.interrupts() && SessionControl.hasRun(session)
                ? eventLog.append(id, List.of(new RunCancelled(SessionControl.INTERRUPTED),
                        new UserMessage(message.text()))).getLast()
                : eventLog.append(id, new UserMessage(message.text()));
        wakeBrain();
        return event;
    }

    private void checkText(String field, String text, List<FieldViolation> violations) {
        if (text == null || text.isBlank()) {
            violations.add(new FieldViolation(field, "is required and cannot be blank"));
        } else if (text.length() > properties.maxMessageLength()) {
            violations.add(new FieldViolation(field, "is longer than " + properties.maxMessageLength() + " characters"));
        }
    }

    private static void checkMetadata(Map<String, String> metadata, List<FieldViolation> violations) {
        if (metadata.size() > 50) {
            violations.add(new FieldViolation("metadata", "has more than 50 entries"));
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey().isEmpty() || entry.getKey().length() > 64) {
                violations.add(new FieldViolation("metadata", "keys must be 1 to 64 characters"));
                return;
            }
            if (entry.getValue() == null || entry.getValue().length() > 512) {
                violations.add(new FieldViolation("metadata." + entry.getKey(), "must be a string of at most 512 characters"));
            }
        }
    }

    private SessionView row(ResultSet rs, int rowNum) throws SQLException {
        return new SessionView(rs.getString("id"), rs.getString("status"), rs.getString("agent_id"),
                rs.getInt("agent_version"), rs.getLong("last_seq"), rs.getString("sandbox_id"), rs.getString("cwd"),
                json.readValue(rs.getString("metadata"), LABELS),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
