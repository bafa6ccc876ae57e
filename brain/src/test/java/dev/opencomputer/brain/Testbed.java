package dev.opencomputer.brain;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.postgres.PostgresSessionLeases;
import dev.opencomputer.brain.providers.AnthropicModelClient;
import dev.opencomputer.brain.providers.OpenAiModelClient;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.sandbox.docker.DockerSandboxDriver;
import dev.opencomputer.secrets.MasterKeys;
import dev.opencomputer.secrets.SecretStoreProperties;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.secrets.postgres.PostgresSecretStore;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.unit.DataSize;

/**
 * Everything a brain worker needs, real: a fresh PostgreSQL database with the event log's and
 * the secret store's migrations, the event log, the secret store, the container engine through
 * the Docker driver (the host-{@code /usr} image, so {@code bash} exists), and the scripted model
 * server behind the official SDKs. Sessions are created as the API would: a sandbox, a setup, and
 * a log starting with {@code session.started} and the input.
 */
final class Testbed implements AutoCloseable {

    static final SecretName CREDENTIAL = SecretName.parse("MODEL_KEY");
    /** How long a test waits for anything the brain does. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    final TenantId tenant = TenantId.next(Instant.now());
    final String modelKey = "sk-test-" + UUID.randomUUID();
    final TestDatabase database;
    final HikariDataSource pool;
    final PostgresEventLog eventLog;
    final SecretStore secrets;
    final DockerSandboxDriver sandboxes;
    final ModelServer models;
    final ModelClient modelClient;
    final PostgresSessionLeases leases;
    final Setups setups = new Setups();
    /** Each sandbox's socket directory (the model gateway's socket) on this host. */
    final java.nio.file.Path socketDir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
            "oc-sockets-" + UUID.randomUUID().toString().substring(0, 8));
    private final List<BrainWorker> workers = new ArrayList<>();

    /** The in-memory {@link SessionSetups} the API server's tables stand in for. */
    static final class Setups implements SessionSetups {
        private final Map<SessionId, SessionSetup> setups = new ConcurrentHashMap<>();

        void put(SessionId id, SessionSetup setup) {
            setups.put(id, setup);
        }

        @Override
        public Optional<SessionSetup> load(SessionId session) {
            return Optional.ofNullable(setups.get(session));
        }
    }

    Testbed(ModelScript script) {
        database = TestDatabase.create();
        Flyway.configure().dataSource(database.url(), null, null)
                .locations("classpath:db/migration/event-log", "classpath:db/migration/secret-store",
                        "classpath:db/migration/brain")
                .load().migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.url());
        config.setMaximumPoolSize(20);
        pool = new HikariDataSource(config);
        eventLog = new PostgresEventLog(pool, new SimpleDriverDataSource(new org.postgresql.Driver(), database.url()),
                EventLogProperties.defaults(), Clock.systemUTC()).start();
        SecureRandom random = new SecureRandom();
        secrets = new PostgresSecretStore(pool, new SecretStoreProperties(MasterKeys.newEntry(1, random), null, null,
                false, DataSize.ofKilobytes(64), null), random, Clock.systemUTC());
        secrets.verifyKeyring();
        secrets.put(tenant.value(), CREDENTIAL, SecretValue.of(modelKey));
        sandboxes = new DockerSandboxDriver(SandboxConfig.builder()
                .dockerHost(TestEngine.dockerHost())
                .instance("brain-it-" + UUID.randomUUID().toString().substring(0, 8))
                .defaultImage(TestEngine.hostUsrImage())
                .imageMounts(imageMounts())
                .socketDir(socketDir.toString())
                // workspaces as loop-mounted file systems with a size limit, as bin/run runs them
                .diskQuotaDir(java.nio.file.Path.of("target", "it-workspaces").toAbsolutePath().toString())
                .defaultDiskQuota(dev.opencomputer.sandbox.ByteSize.ofMegabytes(512))
                .defaultMemory(dev.opencomputer.sandbox.ByteSize.ofMegabytes(256))
                .stopTimeout(Duration.ofSeconds(2))
                .build(), Clock.systemUTC());
        models = ModelServer.start(script);
        modelClient = new RoutingModelClient(Map.of(
                ModelProvider.ANTHROPIC, new AnthropicModelClient(),
                ModelProvider.OPENAI, new OpenAiModelClient()));
        leases = new PostgresSessionLeases(pool);
    }

    /** The host's /usr, and the npm MCP servers at /opt/mcp when bin/test installed them. */
    private static List<ImageMount> imageMounts() {
        List<ImageMount> mounts = new ArrayList<>(List.of(new ImageMount(TestEngine.hostUsrImage(), "/usr", "/usr"),
                new ImageMount(TestEngine.acpImage(), "/usr", "/usr"), new ImageMount(TestEngine.codexImage(), "/usr", "/usr")));
        String mcp = System.getenv("OC_TEST_MCP_DIR");
        if (mcp != null && !mcp.isBlank()) {
            mounts.add(new ImageMount(TestEngine.hostUsrImage(), mcp, "/opt/mcp"));
            mounts.add(new ImageMount(TestEngine.acpImage(), mcp, "/opt/mcp"));
            mounts.add(new ImageMount(TestEngine.codexImage(), mcp, "/opt/mcp"));
        }
        return mounts;
    }

    /** A started worker whose runs may call remote MCP servers {@code urls} allows. */
    BrainWorker worker(BrainProperties properties, RemoteUrlCheck urls) {
        return worker(properties, eventLog, leases, sandboxes, secrets, modelClient, urls);
    }

    /** Quick leases, so that a crashed worker's sessions are resumed within seconds. */
    BrainProperties.Builder properties() {
        return BrainProperties.builder()
                .leaseDuration(Duration.ofSeconds(2))
                .heartbeatInterval(Duration.ofMillis(500))
                .claimInterval(Duration.ofMillis(200))
                .modelTimeout(Duration.ofSeconds(60))
                .defaultCommandTimeout(Duration.ofSeconds(60))
                .shutdownGrace(Duration.ofSeconds(5))
                .retry(new BrainProperties.Retry(3, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(5)))
                .anthropicBaseUrl(models.anthropicBaseUrl().toString())
                .openaiBaseUrl(models.openAiBaseUrl().toString());
    }

    /** A started worker on the real dependencies. */
    BrainWorker worker(BrainProperties properties) {
        return worker(properties, eventLog, leases, sandboxes, secrets, modelClient);
    }

    /** A started worker whose agents may also run the ACP runtimes of {@code acp}. */
    BrainWorker worker(BrainProperties properties, AcpRuntimes acp) {
        BrainWorker worker = new BrainWorker(properties, leases, eventLog, setups, sandboxes, secrets, modelClient,
                Clock.systemUTC(), BrainTools.NONE, acp);
        workers.add(worker);
        return worker.start();
    }

    BrainWorker worker(BrainProperties properties, EventLog log, SessionLeases workerLeases, SandboxDriver driver,
            SecretStore store, ModelClient client) {
        return worker(properties, log, workerLeases, driver, store, client, RemoteUrlCheck.REFUSE_ALL);
    }

    BrainWorker worker(BrainProperties properties, EventLog log, SessionLeases workerLeases, SandboxDriver driver,
            SecretStore store, ModelClient client, RemoteUrlCheck urls) {
        BrainWorker worker = new BrainWorker(properties, workerLeases, log, setups, driver, store, client,
                Clock.systemUTC(), BrainTools.NONE, urls);
        workers.add(worker);
        return worker.start();
    }

    AgentSetup agent(ModelProvider provider) {
        return new AgentSetup(AgentId.next(Instant.now()), 1, provider, "test-model", null, "You are a test agent.",
                CREDENTIAL, EnumSet.allOf(AgentTool.class), Duration.ofMinutes(10), 50);
    }

    /** A new sandbox of the tenant, running. */
    SandboxSpec sandbox() {
        SandboxSpec spec = SandboxSpec.of(SandboxId.next(Instant.now()), tenant);
        sandboxes.create(spec);
        return spec;
    }

    /** Starts a session as the API would: sandbox, setup, and a log with the input; pending. */
    SessionId start(String input, SessionSetup setup) {
        SessionId id = SessionId.next(Instant.now());
        setups.put(id, setup);
        eventLog.create(new NewSession(id, tenant, setup.agent().id(), setup.agent().version(), Map.of()),
                List.of(new SessionStarted(setup.agent().id(), setup.agent().version(), setup.agent().model(),
                        setup.sandbox().id(), Map.of()), new UserMessage(input)));
        workers.forEach(BrainWorker::wake);
        return id;
    }

    SessionId start(String input, ModelProvider provider) {
        return start(input, new SessionSetup(tenant, agent(provider), sandbox(), Map.of(), null, null));
    }

    List<LoggedEvent> events(SessionId id) {
        List<LoggedEvent> all = new ArrayList<>();
        while (true) {
            List<LoggedEvent> page = eventLog.readAfter(id, all.size(), 1000);
            all.addAll(page);
            if (page.size() < 1000) {
                return all;
            }
        }
    }

    List<String> types(SessionId id) {
        return events(id).stream().map(LoggedEvent::type).toList();
    }

    /** Waits until the log has an event matching {@code wanted}; returns it. */
    LoggedEvent awaitEvent(SessionId id, Predicate<LoggedEvent> wanted, String what) {
        LoggedEvent[] found = new LoggedEvent[1];
        await(() -> {
            found[0] = events(id).stream().filter(wanted).findFirst().orElse(null);
            return found[0] != null;
        }, what + " in the log of " + id);
        return found[0];
    }

    LoggedEvent awaitEvent(SessionId id, String type) {
        return awaitEvent(id, e -> e.type().equals(type), type);
    }

    /** Waits until the session is idle with its lease released: the run is complete. */
    void awaitIdle(SessionId id) {
        await(() -> status(id) == SessionStatus.IDLE && leaseOwner(id) == null, () -> "session " + id
                + " idle and released; it is " + query("SELECT concat_ws(' ', status, lease_owner, lease_token, "
                + "lease_expires_at, last_seq) FROM sessions WHERE id = '" + id + "'") + " with events " + types(id)
                + ", the last " + events(id).getLast().event());
    }

    void await(BooleanSupplier condition, String what) {
        await(condition, () -> what);
    }

    void await(BooleanSupplier condition, java.util.function.Supplier<String> what) {
        Await.until(PATIENCE, what, condition);
    }

    SessionStatus status(SessionId id) {
        return SessionStatus.parse(query("SELECT status FROM sessions WHERE id = '" + id + "'"));
    }

    String leaseOwner(SessionId id) {
        return query("SELECT lease_owner FROM sessions WHERE id = '" + id + "'");
    }

    long leaseToken(SessionId id) {
        return Long.parseLong(query("SELECT lease_token FROM sessions WHERE id = '" + id + "'"));
    }

    String query(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole database as text, the way {@code pg_dump --data-only} would show it. */
    String dump() {
        StringBuilder dump = new StringBuilder();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (rs.next()) {
                        dump.append(table).append(": ").append(rs.getString(1)).append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return dump.toString();
    }

    String readFile(SandboxId sandbox, String path) {
        return new String(sandboxes.readFile(sandbox, WorkspacePath.parse(path)), StandardCharsets.UTF_8);
    }

    String sh(SandboxId sandbox, String script) {
        ExecResult result = sandboxes.run(sandbox, ExecRequest.shell(script));
        return result.stdout().text() + result.stderr().text();
    }

    DataSource pool() {
        return pool;
    }

    @Override
    public void close() {
        workers.forEach(BrainWorker::close);
        models.close();
        modelClient.close();
        eventLog.close();
        for (SandboxState state : sandboxes.list()) {
            sandboxes.remove(state.id());
        }
        sandboxes.close();
        pool.close();
        database.close();
    }
}
