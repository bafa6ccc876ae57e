package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.eventlog.SessionQuery;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link SessionDirectory} on the event log's {@code sessions} table (migration
 * {@code db/migration/event-log}). Every method is one statement on {@code dataSource}, joining the
 * caller's Spring-managed transaction on it, if any.
 */
public final class PostgresSessionDirectory implements SessionDirectory {

    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
    };
    private static final String SELECT = """
            SELECT id, tenant_id, agent_id, agent_version, status, last_seq, created_at, updated_at,
                   metadata::text AS metadata FROM sessions""";
    private static final String LIST = SELECT + "\n" + """
             WHERE tenant_id = ? AND (CAST(? AS text) IS NULL OR status = ?)
               AND (CAST(? AS text) IS NULL OR agent_id = ?)
               AND (CAST(? AS timestamptz) IS NULL OR created_at >= ?)
               AND (CAST(? AS timestamptz) IS NULL OR created_at < ?)
               AND (CAST(? AS text) IS NULL OR id < ?)
             ORDER BY id DESC LIMIT ?""";
    private static final String IDLE_BEFORE = SELECT + "\n" + """
             WHERE status IN (?, ?, ?) AND updated_at < ?
               AND (CAST(? AS timestamptz) IS NULL OR (updated_at, id) > (?, ?))
             ORDER BY updated_at, id LIMIT ?""";
    private static final String WAITING = SELECT + "\n" + """
             WHERE status = ?
               AND (CAST(? AS timestamptz) IS NULL OR (updated_at, id) > (?, ?))
             ORDER BY updated_at, id LIMIT ?""";

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public PostgresSessionDirectory(DataSource dataSource) {
        this.jdbc = JdbcClient.create(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public Optional<Session> find(SessionId id) {
        return jdbc.sql(SELECT + " WHERE id = ?").param(id.value()).query(this::session).optional();
    }

    @Override
    public Optional<Session> find(TenantId tenant, SessionId id) {
        return jdbc.sql(SELECT + " WHERE id = ? AND tenant_id = ?").params(id.value(), tenant.value())
                .query(this::session).optional();
    }

    @Override
    public Map<SessionId, Session> findAll(Collection<SessionId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        String[] values = ids.stream().map(SessionId::value).distinct().toArray(String[]::new);
        Map<SessionId, Session> found = new HashMap<>();
        jdbc.sql(SELECT + " WHERE id = ANY (?)").param(values).query(this::session).list()
                .forEach(session -> found.put(session.id(), session));
        return found;
    }

    @Override
    public List<Session> list(TenantId tenant, SessionQuery query, SessionId below, int limit) {
        String status = query.status().map(SessionStatus::wireName).orElse(null);
        String agent = query.agent().map(AgentId::value).orElse(null);
        OffsetDateTime from = query.createdFrom().map(PostgresSessionDirectory::utc).orElse(null);
        OffsetDateTime before = query.createdBefore().map(PostgresSessionDirectory::utc).orElse(null);
        String cursor = below == null ? null : below.value();
        return jdbc.sql(LIST)
                .params(tenant.value(), status, status, agent, agent, from, from, before, before, cursor, cursor, limit)
                .query(this::session).list();
    }

    @Override
    public List<Session> idleBefore(Instant cutoff, Session after, int limit) {
        OffsetDateTime afterTime = after == null ? null : utc(after.updatedAt());
        String afterId = after == null ? null : after.id().value();
        return jdbc.sql(IDLE_BEFORE)
                .params(SessionStatus.IDLE.wireName(), SessionStatus.WAITING.wireName(),
                        SessionStatus.EXHAUSTED.wireName(), utc(cutoff), afterTime, afterTime, afterId, limit)
                .query(this::session).list();
    }

    @Override
    public List<Session> waiting(Session after, int limit) {
        OffsetDateTime afterTime = after == null ? null : utc(after.updatedAt());
        String afterId = after == null ? null : after.id().value();
        return jdbc.sql(WAITING)
                .params(SessionStatus.WAITING.wireName(), afterTime, afterTime, afterId, limit)
                .query(this::session).list();
    }

    @Override
    public boolean delete(TenantId tenant, SessionId id) {
        return jdbc.sql("DELETE FROM sessions WHERE id = ? AND tenant_id = ?").params(id.value(), tenant.value())
                .update() > 0;
    }

    private Session session(ResultSet rs, int row) throws SQLException {
        return new Session(SessionId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                AgentId.parse(rs.getString("agent_id")), rs.getInt("agent_version"),
                SessionStatus.parse(rs.getString("status")), rs.getLong("last_seq"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                json.readValue(rs.getString("metadata"), METADATA));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
