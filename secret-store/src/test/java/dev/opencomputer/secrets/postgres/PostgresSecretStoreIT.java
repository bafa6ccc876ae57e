package dev.opencomputer.secrets.postgres;

import dev.opencomputer.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.secrets.InvalidSecretValueException;
import dev.opencomputer.secrets.KeyringStatus;
import dev.opencomputer.secrets.MasterKeyException;
import dev.opencomputer.secrets.MasterKeyMismatchException;
import dev.opencomputer.secrets.MasterKeyMissingException;
import dev.opencomputer.secrets.RewrapReport;
import dev.opencomputer.secrets.SecretDecryptionException;
import dev.opencomputer.secrets.SecretMetadata;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.secrets.SecretWritten;
import dev.opencomputer.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.util.unit.DataSize;

class PostgresSecretStoreIT {

    private static final String TENANT = "ten_019a0000000000000000a001";
    private static final String OTHER_TENANT = "ten_019a0000000000000000b002";
    private static final SecretName NAME = SecretName.parse("ANTHROPIC_API_KEY");

    private final SecureRandom random = new SecureRandom();
    private final TestClock clock = new TestClock(Instant.parse("2025-11-21T10:00:00Z"));
    private final String v1 = MasterKeyring.newEntry(1, random);
    private final String v2 = MasterKeyring.newEntry(2, random);
    private TestDatabase database;
    private PGSimpleDataSource dataSource;

    @BeforeEach
    void migrate() {
        database = TestDatabase.create();
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(database.url());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/secret-store").load().migrate();
    }

    @AfterEach
    void drop() {
        database.close();
    }

    @Test
    void aCanaryValueNeverReachesTheDatabaseInAnyForm() throws Exception {
        String canary = "sk-ant-CANARY-" + HexFormat.of().formatHex(random.generateSeed(8));
        SecretStore store = store(v1);

        store.put(TENANT, NAME, SecretValue.of(canary));
        store.put(TENANT, SecretName.parse("REPLACED"), SecretValue.of("first " + canary));
        store.put(TENANT, SecretName.parse("REPLACED"), SecretValue.of("second " + canary));
        assertThat(store.reveal(TENANT, NAME, "test:canary").plaintext()).isEqualTo(canary);
        store(v1, v2).rewrap();

        String dump;
        try (Connection c = database.connect()) {
            dump = DatabaseDump.of(c);
        }
        byte[] canaryBytes = canary.getBytes(StandardCharsets.UTF_8);
        assertThat(dump).contains("ANTHROPIC_API_KEY", "test:canary", "\\\\x"); // the dump is real and has bytea
        assertThat(dump)
                .doesNotContain(canary)
                .doesNotContainIgnoringCase(HexFormat.of().formatHex(canaryBytes))
                .doesNotContain(Base64.getEncoder().encodeToString(canaryBytes))
                .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(canaryBytes).substring(0, 16));
    }

    @Test
    void replacingASecretKeepsItsCreationTimeAndCountsTheVersion() {
        SecretStore store = store(v1);

        SecretWritten created = store.put(TENANT, NAME, SecretValue.of("one"));
        clock.advance(Duration.ofMinutes(5));
        SecretWritten replaced = store.put(TENANT, NAME, SecretValue.of("two"));

        assertThat(created.created()).isTrue();
        assertThat(created.secret().version()).isEqualTo(1);
        assertThat(replaced.created()).isFalse();
        assertThat(replaced.secret().version()).isEqualTo(2);
        assertThat(replaced.secret().createdAt()).isEqualTo(Instant.parse("2025-11-21T10:00:00Z"));
        assertThat(replaced.secret().updatedAt()).isEqualTo(Instant.parse("2025-11-21T10:05:00Z"));
        assertThat(store.find(TENANT, NAME)).contains(replaced.secret());
        assertThat(store.reveal(TENANT, NAME, "test").plaintext()).isEqualTo("two");
    }

    @Test
    void listsNamesInOrderPageByPage() {
        SecretStore store = store(v1);
        for (String name : List.of("b", "A", "a", "c.1", "B_2")) {
            store.put(TENANT, SecretName.parse(name), SecretValue.of("v-" + name));
        }
        store.put(OTHER_TENANT, SecretName.parse("zzz"), SecretValue.of("theirs"));

        List<SecretMetadata> first = store.list(TENANT, null, 3);
        List<SecretMetadata> second = store.list(TENANT, first.getLast().name(), 3);

        assertThat(first).extracting(m -> m.name().value()).containsExactly("A", "B_2", "a");
        assertThat(second).extracting(m -> m.name().value()).containsExactly("b", "c.1");
        assertThat(store.list(TENANT, second.getLast().name(), 3)).isEmpty();
    }

    @Test
    void anotherTenantsSecretIsExactlyLikeAMissingOne() {
        SecretStore store = store(v1);
        store.put(TENANT, NAME, SecretValue.of("mine"));

        assertThat(store.find(OTHER_TENANT, NAME)).isEmpty();
        assertThat(store.list(OTHER_TENANT, null, 10)).isEmpty();
        assertThatThrownBy(() -> store.reveal(OTHER_TENANT, NAME, "test"))
                .isInstanceOf(SecretNotFoundException.class);
        assertThat(store.delete(OTHER_TENANT, NAME)).isFalse();
        assertThat(store.reveal(TENANT, NAME, "test").plaintext()).isEqualTo("mine");
        assertThat(store.delete(TENANT, NAME)).isTrue();
        assertThat(store.find(TENANT, NAME)).isEmpty();
    }

    @Test
    void aCiphertextCopiedToAnotherRowOrTenantFailsToDecrypt() throws Exception {
        SecretStore store = store(v1);
        store.put(TENANT, NAME, SecretValue.of("tenant one's key"));
        store.put(TENANT, SecretName.parse("OTHER"), SecretValue.of("placeholder"));
        store.put(OTHER_TENANT, NAME, SecretValue.of("placeholder"));

        copyBlobs(TENANT, NAME.value(), TENANT, "OTHER");
        copyBlobs(TENANT, NAME.value(), OTHER_TENANT, NAME.value());

        assertThatThrownBy(() -> store.reveal(TENANT, SecretName.parse("OTHER"), "test"))
                .isInstanceOf(SecretDecryptionException.class);
        assertThatThrownBy(() -> store.reveal(OTHER_TENANT, NAME, "test"))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageNotContaining("tenant one's key");
        assertThat(store.reveal(TENANT, NAME, "test").plaintext()).isEqualTo("tenant one's key");
    }

    @Test
    void aCiphertextPairedWithAnotherRowsDataKeyFailsToDecrypt() throws Exception {
        SecretStore store = store(v1);
        store.put(TENANT, NAME, SecretValue.of("value one"));
        store.put(TENANT, SecretName.parse("OTHER"), SecretValue.of("value two"));

        execute("""
                UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE tenant_id = ? AND name = 'OTHER')
                WHERE tenant_id = ? AND name = ?""", TENANT, TENANT, NAME.value());

        assertThatThrownBy(() -> store.reveal(TENANT, NAME, "test"))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("ciphertext does not authenticate");
    }

    @Test
    void everyRevealIsAuditedWithWhoWhatAndWhenButNoValue() throws Exception {
        SecretStore store = store(v1);
        store.put(TENANT, NAME, SecretValue.of("audited-value"));
        clock.advance(Duration.ofSeconds(30));

        store.reveal(TENANT, NAME, "brain:worker-1 session ses_019a00000000000000000001");
        assertThatThrownBy(() -> store.reveal(TENANT, SecretName.parse("MISSING"), "brain:worker-2"))
                .isInstanceOf(SecretNotFoundException.class);

        List<String> rows = new ArrayList<>();
        try (Connection c = database.connect();
                ResultSet rs = c.createStatement().executeQuery("""
                        SELECT tenant_id, secret_name, secret_version, revealed_by, outcome, revealed_at
                        FROM secret_reveals ORDER BY id""")) {
            while (rs.next()) {
                rows.add(String.join("|", rs.getString(1), rs.getString(2), String.valueOf(rs.getObject(3)),
                        rs.getString(4), rs.getString(5),
                        rs.getObject(6, java.time.OffsetDateTime.class).toInstant().toString()));
            }
        }
        assertThat(rows).containsExactly(
                TENANT + "|ANTHROPIC_API_KEY|1|brain:worker-1 session ses_019a00000000000000000001|revealed|2025-11-21T10:00:30Z",
                TENANT + "|MISSING|null|brain:worker-2|not_found|2025-11-21T10:00:30Z");
    }

    @Test
    void revealAuditRowsOlderThanTheRetentionArePrunedAndNewerOnesKept() throws Exception {
        SecretStore store = new PostgresSecretStore(dataSource, cipher(v1), DataSize.ofKilobytes(64),
                Duration.ofDays(30), clock);
        store.put(TENANT, NAME, SecretValue.of("pruned-audit"));
        store.reveal(TENANT, NAME, "brain:old");
        store.reveal(TENANT, NAME, "brain:old");
        clock.advance(Duration.ofDays(20));
        store.reveal(TENANT, NAME, "brain:recent");
        clock.advance(Duration.ofDays(11)); // the first two are 31 days old now, the third 11

        assertThat(store.pruneReveals(1)).isEqualTo(1);
        assertThat(store.pruneReveals(100)).isEqualTo(1);
        assertThat(store.pruneReveals(100)).isZero();
        List<String> left = new ArrayList<>();
        try (Connection c = database.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT revealed_by FROM secret_reveals")) {
            while (rs.next()) {
                left.add(rs.getString(1));
            }
        }
        assertThat(left).containsExactly("brain:recent");
    }

    @Test
    void aValueOverTheSizeLimitIsRefused() {
        SecretStore store = new PostgresSecretStore(dataSource, cipher(v1), DataSize.ofBytes(10), clock);

        assertThatThrownBy(() -> store.put(TENANT, NAME, SecretValue.of("12345678901")))
                .isInstanceOf(InvalidSecretValueException.class)
                .hasMessageContaining("at most 10 bytes");
        assertThat(store.put(TENANT, NAME, SecretValue.of("1234567890")).created()).isTrue();
    }

    @Test
    void rotationKeepsEverySecretReadable() {
        SecretStore before = store(v1);
        int count = 230; // more than one rewrap batch
        for (int i = 0; i < count; i++) {
            before.put(i % 2 == 0 ? TENANT : OTHER_TENANT, SecretName.parse("key" + i), SecretValue.of("value " + i));
        }

        // Step 1: add version 2 to the ring and make it active; old secrets still read, new ones use v2.
        SecretStore rotated = store(v1, v2);
        KeyringStatus status = rotated.verifyKeyring();
        assertThat(status.activeVersion()).isEqualTo(2);
        assertThat(status.registeredVersions()).containsExactly(2);
        assertThat(status.secretsByKeyVersion()).isEqualTo(Map.of(1, (long) count));
        rotated.put(TENANT, SecretName.parse("fresh"), SecretValue.of("fresh value"));
        assertThat(rotated.reveal(OTHER_TENANT, SecretName.parse("key1"), "test").plaintext()).isEqualTo("value 1");

        // Step 2: re-wrap everything onto version 2.
        RewrapReport report = rotated.rewrap();
        assertThat(report.activeVersion()).isEqualTo(2);
        assertThat(report.rewrapped()).isEqualTo(count);
        assertThat(report.failed()).isEmpty();
        assertThat(report.secretsByKeyVersion()).isEqualTo(Map.of(2, (long) count + 1));
        assertThat(rotated.rewrap().rewrapped()).isZero();

        // Step 3: retire version 1; every secret still reads with version 2 alone.
        SecretStore retired = store(v2);
        retired.verifyKeyring();
        for (int i = 0; i < count; i++) {
            String tenant = i % 2 == 0 ? TENANT : OTHER_TENANT;
            assertThat(retired.reveal(tenant, SecretName.parse("key" + i), "test").plaintext()).isEqualTo("value " + i);
        }
        assertThat(retired.reveal(TENANT, SecretName.parse("fresh"), "test").plaintext()).isEqualTo("fresh value");
    }

    @Test
    void anOlderVersionCanStayActiveWhileANewOneIsRolledOut() {
        store(v1).put(TENANT, NAME, SecretValue.of("before"));

        SecretStore staged = new PostgresSecretStore(dataSource,
                new EnvelopeCipher(MasterKeyring.parse(v1 + "," + v2, 1, "test"), random), DataSize.ofKilobytes(64), clock);
        staged.put(TENANT, SecretName.parse("during"), SecretValue.of("during"));

        assertThat(staged.rewrap().secretsByKeyVersion()).isEqualTo(Map.of(1, 2L));
        assertThat(store(v1).reveal(TENANT, SecretName.parse("during"), "test").plaintext()).isEqualTo("during");
    }

    @Test
    void aWrongMasterKeyIsDetectedBeforeAnythingIsWritten() {
        store(v1).put(TENANT, NAME, SecretValue.of("value"));
        String impostor = MasterKeyring.newEntry(1, random);
        SecretStore wrong = store(impostor);

        assertThatThrownBy(wrong::verifyKeyring)
                .isInstanceOf(MasterKeyMismatchException.class)
                .hasMessageStartingWith(MasterKeyException.PREFIX
                        + "the configured master key version 1 is not the key this database knows as version 1");
        assertThatThrownBy(() -> wrong.put(TENANT, SecretName.parse("NEW"), SecretValue.of("x")))
                .isInstanceOf(MasterKeyMismatchException.class);
        assertThat(store(v1).find(TENANT, SecretName.parse("NEW"))).isEmpty();
    }

    @Test
    void aWrongKeyIsDetectedEvenWithoutAStoredKeyCheck() throws Exception {
        store(v1).put(TENANT, NAME, SecretValue.of("value"));
        execute("DELETE FROM secret_master_keys");

        assertThatThrownBy(store(MasterKeyring.newEntry(1, random))::verifyKeyring)
                .isInstanceOf(MasterKeyMismatchException.class)
                .hasMessageContaining("cannot unwrap the data keys stored with it");
        assertThat(store(v1).verifyKeyring().registeredVersions()).containsExactly(1);
    }

    @Test
    void retiringAVersionThatSecretsStillUseIsRefused() {
        store(v1).put(TENANT, NAME, SecretValue.of("value"));

        assertThatThrownBy(store(v2)::verifyKeyring)
                .isInstanceOf(MasterKeyMissingException.class)
                .hasMessageStartingWith(MasterKeyException.PREFIX
                        + "1 secret(s) are wrapped with master key version 1, which is not in the configured keyring (versions [2])");
    }

    @Test
    void rewrapReportsASecretThatNoLongerUnwrapsAndMovesTheRest() throws Exception {
        store(v1).put(TENANT, SecretName.parse("good"), SecretValue.of("good"));
        store(v1).put(TENANT, SecretName.parse("tampered"), SecretValue.of("tampered"));
        copyBlobs(TENANT, "good", TENANT, "tampered");

        RewrapReport report = store(v1, v2).rewrap();

        assertThat(report.rewrapped()).isEqualTo(1);
        assertThat(report.failed()).singleElement().satisfies(f -> {
            assertThat(f.tenant()).isEqualTo(TENANT);
            assertThat(f.name().value()).isEqualTo("tampered");
        });
        assertThat(report.secretsByKeyVersion()).isEqualTo(Map.of(1, 1L, 2, 1L));
    }

    @Test
    void replicasRegisteringTheSameKeyAgreeAndAStartAgainIsQuiet() {
        SecretStore first = store(v1);
        SecretStore second = store(v1);

        assertThat(first.verifyKeyring().registeredVersions()).containsExactly(1);
        assertThat(second.verifyKeyring().registeredVersions()).isEmpty();
    }

    private SecretStore store(String... entries) {
        return new PostgresSecretStore(dataSource, cipher(entries), DataSize.ofKilobytes(64), clock);
    }

    private EnvelopeCipher cipher(String... entries) {
        return new EnvelopeCipher(MasterKeyring.parse(String.join("\n", entries), null, "test"), random);
    }

    private void copyBlobs(String fromTenant, String fromName, String toTenant, String toName) throws Exception {
        execute("""
                UPDATE secrets t SET ciphertext = f.ciphertext, wrapped_key = f.wrapped_key, master_key_version = f.master_key_version
                FROM secrets f WHERE f.tenant_id = ? AND f.name = ? AND t.tenant_id = ? AND t.name = ?""",
                fromTenant, fromName, toTenant, toName);
    }

    private void execute(String sql, String... params) throws Exception {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }
}
