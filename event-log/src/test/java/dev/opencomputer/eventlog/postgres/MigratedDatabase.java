package dev.opencomputer.eventlog.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** A fresh test database with the event log's own migrations, a pool, and logs that are closed with it. */
final class MigratedDatabase implements AutoCloseable {

    static final TenantId TENANT = TenantId.next(Instant.now());
    static final AgentId AGENT = AgentId.next(Instant.now());

    private final TestDatabase database;
    private final HikariDataSource pool;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private MigratedDatabase(TestDatabase database, HikariDataSource pool) {
        this.database = database;
        this.pool = pool;
    }

    static MigratedDatabase create() {
        TestDatabase database = TestDatabase.create();
        Flyway.configure().dataSource(database.url(), null, null)
                .locations("classpath:db/migration/event-log").load().migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.url());
        config.setMaximumPoolSize(24);
        return new MigratedDatabase(database, new HikariDataSource(config));
    }

    DataSource pool() {
        return pool;
    }

    /** The database's JDBC URL. */
    String url() {
        return database.url();
    }

    /** A started log on this database, as one replica; listens on its own unpooled connection. */
    PostgresEventLog newLog(EventLogProperties properties) {
        DataSource listenerSource = new SimpleDriverDataSource(new org.postgresql.Driver(), database.url());
        PostgresEventLog log = new PostgresEventLog(pool, listenerSource, properties, Clock.systemUTC()).start();
        opened.add(log);
        return log;
    }

    PostgresEventLog newLog() {
        return newLog(EventLogProperties.defaults());
    }

    /** A new session whose log holds session.started and a first user.message (seqs 1 and 2). */
    SessionId newSession(PostgresEventLog log) {
        SessionId id = SessionId.next(Instant.now());
        log.create(new NewSession(id, TENANT, AGENT, 1, Map.of()),
                List.of(new SessionStarted(AGENT, 1, "test-model", null, Map.of()), new UserMessage("hello")));
        return id;
    }

    void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long queryLong(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String queryString(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
        pool.close();
        database.close();
    }
}
