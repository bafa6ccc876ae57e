package dev.opencomputer.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.secrets.MasterKeyMismatchException;
import dev.opencomputer.secrets.MasterKeyMissingException;
import dev.opencomputer.secrets.MasterKeys;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.server.OpenComputerApplication;
import dev.opencomputer.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole application started and stopped against one database with different master key
 * configurations: rotation across restarts through the admin endpoint, and every way a keyring
 * can be wrong stopping start-up with the documented message.
 */
@ExtendWith(OutputCaptureExtension.class)
class MasterKeyStartupIT {

    private static final String OPERATOR_KEY = "oc_op_startup_test_key_0123456789abcdef";

    private final SecureRandom random = new SecureRandom();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String v1 = MasterKeys.newEntry(1, random);
    private final String v2 = MasterKeys.newEntry(2, random);
    private TestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = TestDatabase.create();
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void rotationThroughTheAdminEndpointKeepsEverySecretReadableAcrossRestarts() throws Exception {
        Tenant tenant;
        try (var app = start("--opencomputer.secrets.master-key=" + v1)) {
            tenant = createTenant(app);
            for (int i = 0; i < 3; i++) {
                assertThat(call(app, tenant.key(), "PUT", "/v1/secrets/key" + i, "{\"value\":\"value " + i + "\"}"))
                        .startsWith("201");
            }
        }

        try (var app = start("--opencomputer.secrets.master-key=" + v1 + "," + v2)) {
            assertThat(call(app, tenant.key(), "PUT", "/v1/secrets/key3", "{\"value\":\"value 3\"}")).startsWith("201");
            assertThat(call(app, OPERATOR_KEY, "GET", "/v1/admin/secrets/keyring", null))
                    .contains("\"activeKeyVersion\":2", "\"configuredVersions\":[1,2]", "\"secretsByKeyVersion\":{\"1\":3,\"2\":1}");
            assertThat(call(app, OPERATOR_KEY, "POST", "/v1/admin/secrets/rewrap", null))
                    .startsWith("200")
                    .contains("\"rewrapped\":3", "\"failed\":[]", "\"secretsByKeyVersion\":{\"2\":4}");
            assertReadable(app, tenant, 4);
        }

        try (var app = start("--opencomputer.secrets.master-key=" + v2)) {
            assertReadable(app, tenant, 4);
            assertThat(call(app, tenant.key(), "GET", "/v1/secrets", null)).contains("\"name\":\"key3\"");
        }

        assertThatThrownBy(() -> start("--opencomputer.secrets.master-key=" + v1))
                .rootCause()
                .isInstanceOf(MasterKeyMissingException.class)
                .hasMessage("Secret store master key: 4 secret(s) are wrapped with master key version 2, which is not "
                        + "in the configured keyring (versions [1]). Put version 2 back into the keyring; retire a "
                        + "version only after a rewrap reports no secrets left on it (see docs/operations.md)");
    }

    @Test
    void aWrongMasterKeyStopsStartUpWithTheDocumentedMessage(CapturedOutput output) throws Exception {
        try (var app = start("--opencomputer.secrets.master-key=" + v1)) {
            Tenant tenant = createTenant(app);
            assertThat(call(app, tenant.key(), "PUT", "/v1/secrets/k", "{\"value\":\"v\"}")).startsWith("201");
        }
        String impostor = MasterKeys.newEntry(1, random);

        assertThatThrownBy(() -> start("--opencomputer.secrets.master-key=" + impostor))
                .rootCause()
                .isInstanceOf(MasterKeyMismatchException.class)
                .hasMessageStartingWith("Secret store master key: the configured master key version 1 is not the key "
                        + "this database knows as version 1 (its key check does not verify)");

        assertThat(output.getAll())
                .contains("APPLICATION FAILED TO START")
                .contains("Secret store master key: the configured master key version 1 is not the key this database knows as version 1")
                .contains("Configure the master key that this database's secrets were written with")
                .doesNotContain(impostor.substring(2), v1.substring(2));
    }

    @Test
    void noMasterKeyAtAllStopsStartUp(CapturedOutput output) {
        assertThatThrownBy(() -> start("--opencomputer.secrets.master-key=", "--opencomputer.secrets.master-key-file="))
                .rootCause()
                .isInstanceOf(MasterKeyMissingException.class)
                .hasMessageStartingWith("Secret store master key: no master key is configured.");
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "OPENCOMPUTER_SECRETS_MASTER_KEY_FILE");
    }

    @Test
    void aMalformedKeyringStopsStartUpWithoutEchoingIt() {
        String tooShort = "1:" + java.util.Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> start("--opencomputer.secrets.master-key=" + tooShort))
                .rootCause()
                .hasMessageContaining("must be exactly 32 bytes")
                .hasMessageNotContaining(tooShort.substring(2));
    }

    @Test
    void theQuickStartGeneratesAnOwnerOnlyKeyFileOnceAndSaysSo(@TempDir Path dataDir, CapturedOutput output)
            throws Exception {
        Path keyFile = dataDir.resolve("master.key");
        String[] quickStart = {"--opencomputer.secrets.master-key-file=" + keyFile,
                "--opencomputer.secrets.generate-master-key=true"};
        Tenant tenant;
        try (var app = start(quickStart)) {
            tenant = createTenant(app);
            assertThat(call(app, tenant.key(), "PUT", "/v1/secrets/k", "{\"value\":\"kept\"}")).startsWith("201");
        }
        String generated = Files.readString(keyFile);

        try (var app = start(quickStart)) {
            assertThat(app.getBean(SecretStore.class).reveal(tenant.id(), SecretName.parse("k"), "test").plaintext())
                    .isEqualTo("kept");
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Files.readString(keyFile)).isEqualTo(generated);
        assertThat(output.getAll().split("Generated a new secret store master key into " + keyFile, -1)).hasSize(2);
        assertThat(output.getAll()).doesNotContain(generated.lines().filter(l -> l.startsWith("1:")).findFirst().orElseThrow());
    }

    private void assertReadable(ConfigurableApplicationContext app, Tenant tenant, int count) {
        SecretStore store = app.getBean(SecretStore.class);
        for (int i = 0; i < count; i++) {
            assertThat(store.reveal(tenant.id(), SecretName.parse("key" + i), "test").plaintext()).isEqualTo("value " + i);
        }
    }

    private ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + database.url(),
                "--opencomputer.api.operator-key=" + OPERATOR_KEY));
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(OpenComputerApplication.class).run(all.toArray(String[]::new));
    }

    record Tenant(String id, String key) {
    }

    private Tenant createTenant(ConfigurableApplicationContext app) throws Exception {
        String body = call(app, OPERATOR_KEY, "POST", "/v1/tenants", "{\"name\":\"rotation\"}");
        Matcher id = Pattern.compile("\"id\":\"(ten_[0-9a-f]{24})\"").matcher(body);
        Matcher key = Pattern.compile("\"key\":\"(oc_[^\"]+)\"").matcher(body);
        assertThat(id.find() && key.find()).as(body).isTrue();
        return new Tenant(id.group(1), key.group(1));
    }

    /** The status code, a space, and the body. */
    private String call(ConfigurableApplicationContext app, String key, String method, String path, String json)
            throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
