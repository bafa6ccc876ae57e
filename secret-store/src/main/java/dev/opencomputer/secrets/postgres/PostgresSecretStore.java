package dev.opencomputer.secrets.postgres;

import dev.opencomputer.secrets.InvalidSecretValueException;
import dev.opencomputer.secrets.KeyringStatus;
import dev.opencomputer.secrets.MasterKeyMismatchException;
import dev.opencomputer.secrets.MasterKeyMissingException;
import dev.opencomputer.secrets.RewrapReport;
import dev.opencomputer.secrets.RewrapReport.FailedSecret;
import dev.opencomputer.secrets.SecretDecryptionException;
import dev.opencomputer.secrets.SecretMetadata;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretStoreProperties;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.secrets.SecretWritten;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;

/**
 * The secret store in PostgreSQL (tables {@code secrets}, {@code secret_master_keys},
 * {@code secret_reveals}, migration {@code db/migration/secret-store}). Only sealed blobs reach
 * the database: encryption and decryption happen in this process. Thread-safe.
 */
public final class PostgresSecretStore implements SecretStore {

    private static final Logger log = LoggerFactory.getLogger(PostgresSecretStore.class);
    private static final int MAX_TENANT_LENGTH = 100;
    private static final int MAX_WHO_LENGTH = 200;
    private static final int REWRAP_BATCH = 100;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final EnvelopeCipher cipher;
    private final long maxValueBytes;
    private final Clock clock;
    private final java.time.Duration revealRetention;
    private final Object verification = new Object();
    private volatile boolean verified;

    /**
     * A store over {@code dataSource}, whose schema Flyway has migrated, with the master keyring that
     * {@code properties} names (loaded, or generated for the quick start, now).
     *
     * @throws dev.opencomputer.secrets.MasterKeyException when no usable keyring is configured
     */
    public PostgresSecretStore(DataSource dataSource, SecretStoreProperties properties, SecureRandom random,
                               Clock clock) {
        this(dataSource, new EnvelopeCipher(MasterKeyring.load(properties, random), random),
                properties.maxValueSize(), properties.revealRetention(), clock);
    }

    /** A store sealing with {@code cipher}; {@code maxValueSize} is the largest value {@link #put} accepts. */
    PostgresSecretStore(DataSource dataSource, EnvelopeCipher cipher, DataSize maxValueSize, Clock clock) {
        this(dataSource, cipher, maxValueSize, java.time.Duration.ofDays(30), clock);
    }

    PostgresSecretStore(DataSource dataSource, EnvelopeCipher cipher, DataSize maxValueSize,
                        java.time.Duration revealRetention, Clock clock) {
        this.revealRetention = Objects.requireNonNull(revealRetention, "revealRetention");
        this.jdbc = JdbcClient.create(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.maxValueBytes = maxValueSize.toBytes();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public SecretWritten put(String tenant, SecretName name, SecretValue value) {
        requireTenant(tenant);
        Objects.requireNonNull(name, "name");
        if (value.size() > maxValueBytes) {
            throw new InvalidSecretValueException("a secret value may be at most " + maxValueBytes
                    + " bytes of UTF-8; this one is " + value.size() + " bytes");
        }
        ensureVerified();
        SealedSecret sealed = cipher.seal(tenant, name, value);
        OffsetDateTime now = now();
        SecretWritten written = jdbc.sql("""
                        INSERT INTO secrets (tenant_id, name, version, master_key_version, wrapped_key, ciphertext, created_at, updated_at)
                        VALUES (:tenant, :name, 1, :keyVersion, :wrappedKey, :ciphertext, :now, :now)
                        ON CONFLICT (tenant_id, name) DO UPDATE SET
                            version = secrets.version + 1,
                            master_key_version = EXCLUDED.master_key_version,
                            wrapped_key = EXCLUDED.wrapped_key,
                            ciphertext = EXCLUDED.ciphertext,
                            updated_at = EXCLUDED.updated_at
                        RETURNING name, version, created_at, updated_at""")
                .param("tenant", tenant)
                .param("name", name.value())
                .param("keyVersion", sealed.keyVersion())
                .param("wrappedKey", sealed.wrappedKey())
                .param("ciphertext", sealed.ciphertext())
                .param("now", now)
                .query((rs, row) -> {
                    SecretMetadata metadata = metadata(rs);
                    return new SecretWritten(metadata, metadata.version() == 1);
                })
                .single();
        log.debug("{} secret '{}' of tenant {} (version {}, master key version {})",
                written.created() ? "created" : "replaced", name, tenant, written.secret().version(), sealed.keyVersion());
        return written;
    }

    @Override
    public Optional<SecretMetadata> find(String tenant, SecretName name) {
        requireTenant(tenant);
        return jdbc.sql("SELECT name, version, created_at, updated_at FROM secrets WHERE tenant_id = :tenant AND name = :name")
                .param("tenant", tenant)
                .param("name", name.value())
                .query((rs, row) -> metadata(rs))
                .optional();
    }

    @Override
    public List<SecretMetadata> list(String tenant, SecretName after, int limit) {
        requireTenant(tenant);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        // Byte order (COLLATE "C"), so pages follow SecretName's order whatever the database collation.
        return jdbc.sql("""
                        SELECT name, version, created_at, updated_at FROM secrets
                        WHERE tenant_id = :tenant AND name COLLATE "C" > :after
                        ORDER BY name COLLATE "C"
                        LIMIT :limit""")
                .param("tenant", tenant)
                .param("after", after == null ? "" : after.value())
                .param("limit", limit)
                .query((rs, row) -> metadata(rs))
                .list();
    }

    @Override
    public boolean delete(String tenant, SecretName name) {
        requireTenant(tenant);
        boolean deleted = jdbc.sql("DELETE FROM secrets WHERE tenant_id = :tenant AND name = :name")
                .param("tenant", tenant)
                .param("name", name.value())
                .update() > 0;
        if (deleted) {
            log.debug("deleted secret '{}' of tenant {}", name, tenant);
        }
        return deleted;
    }

    @Override
    public SecretValue reveal(String tenant, SecretName name, String who) {
        requireTenant(tenant);
        Objects.requireNonNull(name, "name");
        if (who == null || who.isBlank() || who.length() > MAX_WHO_LENGTH) {
            throw new IllegalArgumentException("who must name the caller in 1 to " + MAX_WHO_LENGTH + " characters");
        }
        ensureVerified();
        Optional<StoredRow> stored = jdbc.sql("""
                        SELECT version, master_key_version, wrapped_key, ciphertext
                        FROM secrets WHERE tenant_id = :tenant AND name = :name""")
                .param("tenant", tenant)
                .param("name", name.value())
                .query((rs, row) -> new StoredRow(rs.getInt("version"), new SealedSecret(
                        rs.getInt("master_key_version"), rs.getBytes("wrapped_key"), rs.getBytes("ciphertext"))))
                .optional();
        if (stored.isEmpty()) {
            audit(tenant, name, null, who, "not_found");
            throw new SecretNotFoundException(tenant, name);
        }
        SecretValue value;
        try {
            value = cipher.open(tenant, name, stored.get().sealed());
        } catch (SecretDecryptionException e) {
            audit(tenant, name, stored.get().version(), who, "undecryptable");
            log.warn("{} (requested by {})", e.getMessage(), who);
            throw e;
        }
        try {
            audit(tenant, name, stored.get().version(), who, "revealed");
        } catch (RuntimeException e) {
            value.destroy();
            throw e;
        }
        log.debug("revealed secret '{}' (version {}) of tenant {} to {}", name, stored.get().version(), tenant, who);
        return value;
    }

    @Override
    public KeyringStatus verifyKeyring() {
        synchronized (verification) {
            KeyringStatus status = checkKeyring();
            verified = true;
            return status;
        }
    }

    @Override
    public RewrapReport rewrap() {
        ensureVerified();
        int active = cipher.keyring().active().version();
        long moved = 0;
        List<FailedSecret> failed = new ArrayList<>();
        String lastTenant = "";
        String lastName = "";
        while (true) {
            String fromTenant = lastTenant;
            String fromName = lastName;
            RewrapBatch batch = transactions.execute(tx -> rewrapBatch(active, fromTenant, fromName));
            moved += batch.moved();
            failed.addAll(batch.failed());
            if (batch.size() < REWRAP_BATCH) {
                break;
            }
            lastTenant = batch.lastTenant();
            lastName = batch.lastName();
        }
        Map<Integer, Long> remaining = secretsByKeyVersion();
        log.info("re-wrapped {} secret(s) to master key version {}; {} could not be unwrapped; secrets per version now {}",
                moved, active, failed.size(), remaining);
        return new RewrapReport(active, moved, failed, remaining);
    }

    private RewrapBatch rewrapBatch(int active, String fromTenant, String fromName) {
        // Keyset order, so a row that fails to unwrap is reported once instead of being picked up again.
        List<StoredSecret> rows = jdbc.sql("""
                        SELECT tenant_id, name, master_key_version, wrapped_key, ciphertext FROM secrets
                        WHERE master_key_version <> :active AND (tenant_id, name) > (:tenant, :name)
                        ORDER BY tenant_id, name
                        LIMIT :limit
                        FOR UPDATE""")
                .param("active", active)
                .param("tenant", fromTenant)
                .param("name", fromName)
                .param("limit", REWRAP_BATCH)
                .query((rs, row) -> new StoredSecret(rs.getString("tenant_id"), rs.getString("name"), new SealedSecret(
                        rs.getInt("master_key_version"), rs.getBytes("wrapped_key"), rs.getBytes("ciphertext"))))
                .list();
        long moved = 0;
        List<FailedSecret> failed = new ArrayList<>();
        for (StoredSecret row : rows) {
            SecretName name = SecretName.parse(row.name());
            try {
                SealedSecret rewrapped = cipher.rewrap(row.tenant(), name, row.sealed());
                jdbc.sql("""
                                UPDATE secrets SET master_key_version = :keyVersion, wrapped_key = :wrappedKey
                                WHERE tenant_id = :tenant AND name = :name""")
                        .param("keyVersion", rewrapped.keyVersion())
                        .param("wrappedKey", rewrapped.wrappedKey())
                        .param("tenant", row.tenant())
                        .param("name", row.name())
                        .update();
                moved++;
            } catch (SecretDecryptionException e) {
                log.warn("rewrap: {}", e.getMessage());
                failed.add(new FailedSecret(row.tenant(), name, e.getMessage()));
            }
        }
        StoredSecret last = rows.isEmpty() ? null : rows.getLast();
        return new RewrapBatch(rows.size(), moved, failed,
                last == null ? fromTenant : last.tenant(), last == null ? fromName : last.name());
    }

    private void ensureVerified() {
        if (!verified) {
            verifyKeyring();
        }
    }

    private KeyringStatus checkKeyring() {
        MasterKeyring keyring = cipher.keyring();
        Map<Integer, byte[]> checks = keyChecks();
        Map<Integer, Long> inUse = secretsByKeyVersion();
        for (MasterKey key : keyring.keys()) {
            byte[] check = checks.get(key.version());
            if (check != null && !cipher.verifiesKeyCheck(key, check)) {
                throw mismatch(key.version(), "its key check does not verify");
            }
        }
        for (Map.Entry<Integer, Long> use : inUse.entrySet()) {
            int version = use.getKey();
            if (keyring.version(version).isEmpty()) {
                throw new MasterKeyMissingException(use.getValue() + " secret(s) are wrapped with master key version "
                        + version + ", which is not in the configured keyring (versions " + keyring.versions()
                        + "). Put version " + version + " back into the keyring; retire a version only after "
                        + "a rewrap reports no secrets left on it (see docs/operations.md)");
            }
            if (!checks.containsKey(version)) {
                // No key check stored for a version in use (data from before checks existed): prove the
                // key on one of its secrets instead.
                StoredSecret sample = sampleSecret(version);
                if (sample != null && !cipher.unwraps(sample.tenant(), SecretName.parse(sample.name()), sample.sealed())) {
                    throw mismatch(version, "it cannot unwrap the data keys stored with it");
                }
            }
        }
        TreeSet<Integer> registered = new TreeSet<>();
        for (MasterKey key : keyring.keys()) {
            if (!checks.containsKey(key.version())) {
                int inserted = jdbc.sql("""
                                INSERT INTO secret_master_keys (version, key_check, registered_at)
                                VALUES (:version, :check, :now) ON CONFLICT (version) DO NOTHING""")
                        .param("version", key.version())
                        .param("check", cipher.keyCheck(key))
                        .param("now", now())
                        .update();
                if (inserted == 1) {
                    registered.add(key.version());
                    log.info("registered a key check for secret store master key version {}", key.version());
                } else if (!cipher.verifiesKeyCheck(key, keyChecks().get(key.version()))) {
                    // Another replica registered this version at the same moment, with a different key.
                    throw mismatch(key.version(), "its key check does not verify");
                }
            }
        }
        log.info("secret store master keyring verified: versions {}, active {}, secrets per version {}",
                keyring.versions(), keyring.active().version(), inUse);
        return new KeyringStatus(keyring.active().version(), keyring.versions(), registered, inUse);
    }

    private static MasterKeyMismatchException mismatch(int version, String why) {
        return new MasterKeyMismatchException(version, "the configured master key version " + version
                + " is not the key this database knows as version " + version + " (" + why + "). The key is wrong: "
                + "restore the original key for version " + version + ", and never reuse a version number "
                + "for a new key (see docs/operations.md)");
    }

    private Map<Integer, byte[]> keyChecks() {
        Map<Integer, byte[]> checks = new HashMap<>();
        jdbc.sql("SELECT version, key_check FROM secret_master_keys")
                .query(rs -> {
                    checks.put(rs.getInt("version"), rs.getBytes("key_check"));
                });
        return checks;
    }

    private Map<Integer, Long> secretsByKeyVersion() {
        Map<Integer, Long> counts = new TreeMap<>();
        jdbc.sql("SELECT master_key_version, count(*) AS n FROM secrets GROUP BY master_key_version")
                .query(rs -> {
                    counts.put(rs.getInt("master_key_version"), rs.getLong("n"));
                });
        return counts;
    }

    private StoredSecret sampleSecret(int version) {
        return jdbc.sql("""
                        SELECT tenant_id, name, master_key_version, wrapped_key, ciphertext FROM secrets
                        WHERE master_key_version = :version LIMIT 1""")
                .param("version", version)
                .query((rs, row) -> new StoredSecret(rs.getString("tenant_id"), rs.getString("name"), new SealedSecret(
                        rs.getInt("master_key_version"), rs.getBytes("wrapped_key"), rs.getBytes("ciphertext"))))
                .optional()
                .orElse(null);
    }

    @Override
    public int pruneReveals(int batch) {
        OffsetDateTime before = OffsetDateTime.ofInstant(clock.instant().minus(revealRetention),
                ZoneOffset.UTC);
        return jdbc.sql("""
                        DELETE FROM secret_reveals WHERE id IN (
                            SELECT id FROM secret_reveals WHERE revealed_at < :before ORDER BY id LIMIT :batch
                            FOR UPDATE SKIP LOCKED)""")
                .param("before", before)
                .param("batch", batch)
                .update();
    }

    private void audit(String tenant, SecretName name, Integer secretVersion, String who, String outcome) {
        jdbc.sql("""
                        INSERT INTO secret_reveals (tenant_id, secret_name, secret_version, revealed_by, outcome, revealed_at)
                        VALUES (:tenant, :name, :version, :who, :outcome, :now)""")
                .param("tenant", tenant)
                .param("name", name.value())
                .param("version", secretVersion, Types.INTEGER)
                .param("who", who)
                .param("outcome", outcome)
                .param("now", now())
                .update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static SecretMetadata metadata(ResultSet rs) throws SQLException {
        return new SecretMetadata(SecretName.parse(rs.getString("name")), rs.getInt("version"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static void requireTenant(String tenant) {
        if (tenant == null || tenant.isBlank() || tenant.length() > MAX_TENANT_LENGTH) {
            throw new IllegalArgumentException("a tenant id of 1 to " + MAX_TENANT_LENGTH + " characters is required");
        }
    }

    private record StoredRow(int version, SealedSecret sealed) {
    }

    private record StoredSecret(String tenant, String name, SealedSecret sealed) {
    }

    private record RewrapBatch(int size, long moved, List<FailedSecret> failed, String lastTenant, String lastName) {
    }
}
