package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.EventLog;
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
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UserMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final String COLUMNS =
            "id, status, agent_id, agent_version, last_seq, metadata::text AS metadata, created_at, updated_at";

    private final JdbcClient jdbc;
    private final EventLog eventLog;
    private final Agents agents;
    private final JsonMapper json;
    private final SessionsProperties properties;
    private final Clock clock;

    Sessions(JdbcClient jdbc, EventLog eventLog, Agents agents, JsonMapper json, SessionsProperties properties,
            Clock clock) {
        this.jdbc = jdbc;
        this.eventLog = eventLog;
        this.agents = agents;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Starts a session of the agent's current version: status {@code pending}, its log holding
     * {@code session.started} and the first {@code user.message}.
     */
    public SessionView start(TenantId tenant, StartSession request) {
        List<FieldViolation> violations = new ArrayList<>();
        if (request.agent() == null || request.agent().isBlank()) {
            violations.add(new FieldViolation("agent", "is required (an agent id or name)"));
        }
        checkText("input", request.input(), violations);
        Map<String, String> metadata = request.metadata() == null ? Map.of() : request.metadata();
        checkMetadata(metadata, violations);
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        Agent agent;
        try {
            agent = agents.resolve(tenant, request.agent());
        } catch (ResourceNotFoundException e) {
            throw new RequestInvalidException("agent", "no agent with this id or name");
        }
        AgentId agentId = AgentId.parse(agent.id());
        SessionId id = SessionId.next(clock.instant());
        eventLog.create(new NewSession(id, tenant, agentId, agent.version(), metadata), List.of(
                new SessionStarted(agentId, agent.version(), agent.model(), null, metadata),
                new UserMessage(request.input())));
        return find(tenant, id);
    }

    /** The session, if it is the tenant's. */
    public SessionView find(TenantId tenant, SessionId id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sessions WHERE id = ? AND tenant_id = ?")
                .params(id.value(), tenant.value()).query(this::row).optional()
                .orElseThrow(() -> new ResourceNotFoundException("session", id.value()));
    }

    /** The tenant's sessions, newest first, optionally only those in one status. */
    public Page<SessionView> list(TenantId tenant, PageRequest page, Optional<SessionStatus> status) {
        String wanted = status.map(SessionStatus::wireName).orElse(null);
        List<SessionView> rows = jdbc.sql("SELECT " + COLUMNS + """
                 FROM sessions
                WHERE tenant_id = ? AND (CAST(? AS text) IS NULL OR status = ?)
                  AND (CAST(? AS text) IS NULL OR id < ?)
                ORDER BY id DESC LIMIT ?""")
                .params(tenant.value(), wanted, wanted, page.before(), page.before(), page.limit() + 1)
                .query(this::row).list();
        return page.page(rows, SessionView::id);
    }

    /** Appends a {@code user.message} to the tenant's session; returns it with its seq. */
    public LoggedEvent postMessage(TenantId tenant, SessionId id, PostMessage message) {
        List<FieldViolation> violations = new ArrayList<>();
        checkText("text", message.text(), violations);
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        if (find(tenant, id).isClosed()) {
            throw new SessionClosedException(id.value());
        }
        return eventLog.append(id, new UserMessage(message.text()));
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
                rs.getInt("agent_version"), rs.getLong("last_seq"), json.readValue(rs.getString("metadata"), LABELS),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
