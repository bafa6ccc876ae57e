package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.NetworkAccess;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxLimits;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxNotRunningException;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.LimitExceededException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import java.io.InputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tenants' API sandboxes: a row per sandbox in Postgres (what was asked, when it expires, what was
 * last seen), the container and workspace on the engine through the {@link SandboxDriver}. Every
 * method is scoped by tenant; another tenant's sandbox is reported exactly like a missing one.
 */
@Component
public class Sandboxes {

    /** Marks containers created through the API, so the reaper never touches session sandboxes. */
    static final String ORIGIN_LABEL = "dev.opencomputer.origin";
    static final String ORIGIN_API = "api";

    private static final Logger log = LoggerFactory.getLogger(Sandboxes.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final SandboxDriver driver;
    private final SandboxConfig config;
    private final ApiProperties api;
    private final Clock clock;

    Sandboxes(JdbcClient jdbc, TransactionTemplate transactions, SandboxDriver driver, SandboxConfig config,
            ApiProperties api, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.driver = driver;
        this.config = config;
        this.api = api;
        this.clock = clock;
    }

    /** A row of the sandboxes table. */
    record Row(SandboxId id, TenantId tenant, String image, double cpu, long memoryBytes, NetworkAccess network,
            String status, Integer exitCode, Instant expiresAt, Instant createdAt, Instant updatedAt) {

        Sandbox view() {
            return new Sandbox(id.value(), status, image, cpu, formatSize(memoryBytes),
                    network.name().toLowerCase(Locale.ROOT), exitCode, expiresAt, createdAt, updatedAt);
        }
    }

    /**
     * Creates and starts a sandbox. The tenant's live sandboxes are counted under a lock on the
     * tenant's row, so concurrent creates cannot exceed the tier's {@code max-live-sandboxes}.
     */
    public Sandbox create(TenantId tenant, SandboxRequest request) {
        return create(tenant, request, false, id -> { });
    }

    /**
     * As {@link #create(TenantId, SandboxRequest)}, telling {@code remember} the new sandbox's id before
     * anything is stored (an idempotent request keeps it on its key, so a retry that takes over the key
     * of a process that died after the create answers with this sandbox instead of creating another).
     */
    public Sandbox create(TenantId tenant, SandboxRequest request, java.util.function.Consumer<SandboxId> remember) {
        return create(tenant, request, false, remember);
    }

    /**
     * Creates a session's own sandbox (as {@link #create(TenantId, SandboxRequest)}): should the session
     * never be recorded, the reaper removes it ({@link #reapStray()}).
     */
    public Sandbox createForSession(TenantId tenant, SandboxRequest request) {
        return create(tenant, request, true, id -> { });
    }

    private Sandbox create(TenantId tenant, SandboxRequest request, boolean forSession,
            java.util.function.Consumer<SandboxId> remember) {
        long started = System.nanoTime();
        SandboxRequest.Resolved wanted = (request == null ? SandboxRequest.empty() : request).resolve(config);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        SandboxId id = SandboxId.next(now);
        if (!config.allowsImage(wanted.image())) {
            throw new dev.opencomputer.server.problems.RequestInvalidException("image", imageRefused(wanted.image()));
        }
        remember.accept(id);
        long[] diskQuota = new long[1];
        transactions.executeWithoutResult(tx -> {
            // Lock the tenant's row, then count and insert in one statement (a fresh snapshot after the
            // lock), so concurrent creates cannot exceed the tier's limit.
            String tier = jdbc.sql("select tier from tenants where id = ? for update").param(tenant.value())
                    .query(String.class).single();
            ApiProperties.Tier limits = api.tiers().getOrDefault(tier, api.tiers().get(api.defaultTier()));
            int max = limits.maxLiveSandboxes();
            diskQuota[0] = limits.diskQuota().toBytes();
            int inserted = jdbc.sql("""
                    insert into sandboxes (id, tenant_id, image, cpu, memory_bytes, network, status, expires_at,
                                           created_at, updated_at, for_session)
                    select ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?
                    where (select count(*) from sandboxes where tenant_id = ? and deleted_at is null) < ?""")
                    .params(id.value(), tenant.value(), wanted.image(), wanted.cpu(), wanted.memoryBytes(),
                            wanted.network().name(), Timestamp.from(now.plus(wanted.ttl())), Timestamp.from(now),
                            Timestamp.from(now), forSession, tenant.value(), max)
                    .update();
            if (inserted == 0) {
                Instant soonest = jdbc.sql("""
                        select min(expires_at) from sandboxes where tenant_id = ? and deleted_at is null""")
                        .param(tenant.value()).query(Timestamp.class).optional().map(Timestamp::toInstant).orElse(now);
                throw new LimitExceededException("maxLiveSandboxes", max,
                        Duration.between(now, soonest).plus(config.reapInterval()));
            }
        });
        long reserved = System.nanoTime();
        try {
            driver.create(spec(id, tenant, wanted.image(), wanted.cpu(), wanted.memoryBytes(), wanted.network())
                    .withDiskQuota(diskQuota[0]));
        } catch (RuntimeException e) {
            // Nothing exists on the engine (the driver cleans up after itself): forget the row.
            jdbc.sql("delete from sandboxes where id = ?").param(id.value()).update();
            throw e;
        }
        // The row already says running: one database round trip less on the hot path. Should this
        // process die before the engine answers, GET reconciles the status from the engine.
        Sandbox created = new Row(id, tenant, wanted.image(), wanted.cpu(), wanted.memoryBytes(), wanted.network(),
                "running", null, now.plus(wanted.ttl()), now, now).view();
        if (log.isDebugEnabled()) {
            long done = System.nanoTime();
            log.debug("sandbox {} created in {} ms: database {} ms, engine {} ms", id, (done - started) / 1_000_000,
                    (reserved - started) / 1_000_000, (done - reserved) / 1_000_000);
        }
        return created;
    }

    /**
     * The spec the sandbox was created with (image, limits, network, labels), as the brain revives it
     * on its workspace; empty when the sandbox is not the tenant's or was deleted.
     */
    public Optional<SandboxSpec> spec(TenantId tenant, SandboxId id) {
        return jdbc.sql("select * from sandboxes where id = ? and tenant_id = ? and deleted_at is null")
                .params(id.value(), tenant.value()).query(this::row).optional()
                .map(row -> spec(id, tenant, row.image(), row.cpu(), row.memoryBytes(), row.network())
                        .withDiskQuota(diskQuotaOf(tenant)));
    }

    /** The workspace size of the tenant's tier (a revived sandbox on an existing workspace keeps the old size). */
    private long diskQuotaOf(TenantId tenant) {
        String tier = jdbc.sql("select tier from tenants where id = ?").param(tenant.value()).query(String.class)
                .optional().orElse(api.defaultTier());
        return api.tiers().getOrDefault(tier, api.tiers().get(api.defaultTier())).diskQuota().toBytes();
    }

    private String imageRefused(String image) {
        java.util.LinkedHashSet<String> allowed = new java.util.LinkedHashSet<>();
        allowed.add(config.defaultImage());
        allowed.addAll(config.allowedImages());
        return image + " is not among the images this installation allows (" + String.join(", ", allowed) + ")";
    }

    /** Whether the tenant has this live sandbox (another tenant's is reported as absent). */
    public boolean exists(TenantId tenant, SandboxId id) {
        return jdbc.sql("select count(*) from sandboxes where id = ? and tenant_id = ? and deleted_at is null")
                .params(id.value(), tenant.value()).query(Integer.class).single() > 0;
    }

    public Page<Sandbox> list(TenantId tenant, PageRequest page) {
        List<Row> rows = jdbc.sql("""
                select * from sandboxes
                where tenant_id = ? and deleted_at is null and (cast(? as text) is null or id < ?)
                order by id desc limit ?""")
                .params(tenant.value(), page.before(), page.before(), page.limit() + 1).query(this::row).list();
        return page.page(rows.stream().map(Row::view).toList(), Sandbox::id);
    }

    /** The sandbox with its status read from the engine now (and remembered). */
    public Sandbox get(TenantId tenant, SandboxId id) {
        Row row = find(tenant, id);
        String status;
        Integer exitCode = null;
        try {
            SandboxState state = driver.inspect(id);
            status = switch (state.status()) {
                case RUNNING -> "running";
                case STOPPED, CREATED -> "stopped";
                case DIED, ABSENT -> "died";
            };
            exitCode = "died".equals(status) ? state.exitCode() : null;
        } catch (SandboxNotFoundException e) {
            status = "lost";
        }
        if (!status.equals(row.status()) || !java.util.Objects.equals(exitCode, row.exitCode())) {
            row = record(id, status, exitCode);
        }
        return row.view();
    }

    /** Removes the container and its workspace; the sandbox disappears from the API. */
    public void delete(TenantId tenant, SandboxId id) {
        find(tenant, id);
        driver.remove(id);
        jdbc.sql("update sandboxes set deleted_at = ?, status = 'deleted' where id = ? and deleted_at is null")
                .params(Timestamp.from(clock.instant()), id.value()).update();
    }

    /** Stops the sandbox, keeping its workspace. */
    public Sandbox stop(TenantId tenant, SandboxId id) {
        find(tenant, id);
        try {
            driver.stop(id);
        } catch (SandboxNotFoundException e) {
            return get(tenant, id);
        }
        return record(id, "stopped", null).view();
    }

    /** Starts the sandbox on its workspace, whatever happened to it (stopped, died, container gone). */
    public Sandbox start(TenantId tenant, SandboxId id) {
        Row row = find(tenant, id);
        driver.revive(spec(id, tenant, row.image(), row.cpu(), row.memoryBytes(), row.network()));
        return record(id, "running", null).view();
    }

    /** Starts a command; the caller receives output through {@code listener} and must await the result. */
    public Execution exec(TenantId tenant, SandboxId id, ExecBody body, OutputListener listener) {
        var request = body.toRequest(config);
        find(tenant, id);
        try {
            return driver.exec(id, request, listener);
        } catch (SandboxNotFoundException e) {
            throw new SandboxNotRunningException(id);
        }
    }

    /** Runs a command to its end. */
    public ExecResult run(TenantId tenant, SandboxId id, ExecBody body) {
        return exec(tenant, id, body, OutputListener.NONE).await();
    }

    public void writeFile(TenantId tenant, SandboxId id, WorkspacePath path, InputStream content, long size) {
        find(tenant, id);
        try {
            driver.writeFile(id, path, content, size);
        } catch (SandboxNotFoundException e) {
            throw new SandboxNotRunningException(id);
        }
    }

    public SandboxFile openFile(TenantId tenant, SandboxId id, WorkspacePath path) {
        find(tenant, id);
        try {
            return driver.openFile(id, path);
        } catch (SandboxNotFoundException e) {
            throw new SandboxNotRunningException(id);
        }
    }

    /** The largest file that may be written or read at once. */
    public long maxFileSize() {
        return config.maxFileSize().toBytes();
    }

    // ------------------------------------------------------------------ reaping

    /** Removes sandboxes whose TTL has passed; returns how many. Safe to run on several replicas at once. */
    int reapExpired() {
        List<String> expired = jdbc.sql("""
                select id from sandboxes
                where deleted_at is null and expires_at <= ?
                  and not exists (select 1 from session_setups s where s.sandbox_id = sandboxes.id)
                order by expires_at limit 100""")
                .param(Timestamp.from(clock.instant())).query(String.class).list();
        for (String id : expired) {
            driver.remove(SandboxId.parse(id));
            jdbc.sql("update sandboxes set deleted_at = ?, status = 'expired' where id = ? and deleted_at is null")
                    .params(Timestamp.from(clock.instant()), id).update();
            log.info("sandbox {} expired and was removed", id);
        }
        return expired.size();
    }

    /**
     * Removes the sandboxes created for a session that was never recorded (no setup refers to them)
     * and that are older than twice the reap interval: a start that failed half-way and could not undo
     * itself (the database was gone; the process died). Each is marked deleted under its row's lock
     * before its container goes, so a start still recording its setup (which takes the row's lock
     * too, {@code SetupTable.insert}) either wins, and the sandbox stays, or finds it gone and fails.
     */
    int reapStray() {
        Instant before = clock.instant().minus(config.reapInterval().multipliedBy(2));
        List<String> stray = jdbc.sql("""
                select id from sandboxes s
                where for_session and deleted_at is null and created_at < ?
                  and not exists (select 1 from session_setups u where u.sandbox_id = s.id)
                order by created_at limit 100""")
                .param(Timestamp.from(before)).query(String.class).list();
        int reaped = 0;
        for (String id : stray) {
            Boolean claimed = transactions.execute(tx -> {
                if (jdbc.sql("select id from sandboxes where id = ? and deleted_at is null for update").param(id)
                        .query(String.class).optional().isEmpty()) {
                    return false;
                }
                // a new statement after the lock: it sees a setup committed while we waited for it
                if (jdbc.sql("select count(*) from session_setups where sandbox_id = ?").param(id)
                        .query(Integer.class).single() > 0) {
                    return false;
                }
                jdbc.sql("update sandboxes set deleted_at = ?, status = 'deleted' where id = ?")
                        .params(Timestamp.from(clock.instant()), id).update();
                return true;
            });
            if (Boolean.TRUE.equals(claimed)) {
                driver.remove(SandboxId.parse(id)); // should the engine fail now, reapOrphans removes it later
                reaped++;
                log.info("removed sandbox {}: created for a session that was never recorded", id);
            }
        }
        return reaped;
    }

    /**
     * Removes API sandboxes that exist on the engine but not (or no longer) in this database, e.g. after
     * a delete interrupted by a crash. Only containers labelled as API sandboxes of a tenant of this
     * database are considered, so session sandboxes and other installations sharing the engine are
     * never touched.
     */
    int reapOrphans() {
        int reaped = 0;
        for (SandboxState state : driver.list()) {
            if (!ORIGIN_API.equals(state.labels().get(ORIGIN_LABEL))) {
                continue;
            }
            Optional<Boolean> live = jdbc.sql("select deleted_at is null from sandboxes where id = ?")
                    .param(state.id().value()).query(Boolean.class).optional();
            if (live.orElse(false)) {
                continue;
            }
            boolean ourTenant = jdbc.sql("select count(*) from tenants where id = ?").param(state.tenant().value())
                    .query(Integer.class).single() > 0;
            if (live.isEmpty() && !ourTenant) {
                continue;
            }
            try {
                driver.remove(state.id());
            } catch (SandboxEngineUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                // the engine refused this one now (a container it is still tearing down): the next pass retries
                log.warn("could not remove orphaned sandbox {} yet: {}", state.id(), e.toString());
                continue;
            }
            reaped++;
            log.info("removed orphaned sandbox {} of tenant {}", state.id(), state.tenant());
        }
        return reaped;
    }

    // ------------------------------------------------------------------ rows

    private SandboxSpec spec(SandboxId id, TenantId tenant, String image, double cpu, long memoryBytes,
            NetworkAccess network) {
        return new SandboxSpec(id, tenant, image, new SandboxLimits(cpu, memoryBytes, config.pidsLimit()), network,
                Map.of(), Map.of(ORIGIN_LABEL, ORIGIN_API));
    }

    private Row find(TenantId tenant, SandboxId id) {
        return jdbc.sql("select * from sandboxes where id = ? and tenant_id = ? and deleted_at is null")
                .params(id.value(), tenant.value()).query(this::row).optional()
                .orElseThrow(() -> new ResourceNotFoundException("sandbox", id.value()));
    }

    private Row record(SandboxId id, String status, Integer exitCode) {
        return jdbc.sql("""
                update sandboxes set status = ?, exit_code = ?, updated_at = ? where id = ? returning *""")
                .params(status, exitCode, Timestamp.from(clock.instant()), id.value()).query(this::row).single();
    }

    private Row row(ResultSet rs, int rowNum) throws SQLException {
        int code = rs.getInt("exit_code");
        Integer exitCode = rs.wasNull() ? null : code;
        return new Row(SandboxId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                rs.getString("image"), rs.getDouble("cpu"), rs.getLong("memory_bytes"),
                NetworkAccess.valueOf(rs.getString("network")), rs.getString("status"),
                exitCode, rs.getTimestamp("expires_at").toInstant(),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    /** {@code 536870912} → {@code 512MB}. */
    static String formatSize(long bytes) {
        String[] units = {"GB", "MB", "KB"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= sizes[i] && bytes % sizes[i] == 0) {
                return bytes / sizes[i] + units[i];
            }
        }
        return bytes + "B";
    }
}
