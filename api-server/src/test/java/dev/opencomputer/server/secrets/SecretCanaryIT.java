package dev.opencomputer.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.server.ApiITBase;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A canary secret value goes through every path a secret takes — create, replace, list, read,
 * an agent naming it, a reveal as the brain does it, and bad requests carrying it — with every
 * logger at TRACE. It must not appear in any response, any log line, or any row of the database.
 * Requests go through the JDK's HTTP client, whose logging is off, so only the server logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretCanaryIT extends ApiITBase {

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> responses = new ArrayList<>();

    @Autowired
    SecretStore store;

    @Autowired
    DataSource dataSource;

    @Test
    void theValueNeverAppearsInResponsesLogsOrTheDatabase(CapturedOutput output) throws Exception {
        var tenant = newTenant("canary");
        String canary = "sk-ant-CANARY-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        String replacement = canary + "-REPLACED";
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        LogLevel rootLevel = logging.getLoggerConfiguration(LoggingSystem.ROOT_LOGGER_NAME).getConfiguredLevel();
        logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.TRACE);
        try {
            assertThat(send(tenant.key(), "PUT", "/v1/secrets/ANTHROPIC_API_KEY", "{\"value\":\"" + canary + "\"}"))
                    .isEqualTo(201);
            assertThat(send(tenant.key(), "PUT", "/v1/secrets/ANTHROPIC_API_KEY", "{\"value\":\"" + replacement + "\"}"))
                    .isEqualTo(200);
            assertThat(send(tenant.key(), "PUT", "/v1/secrets/COPY", "{\"value\":\"" + canary + "\"}")).isEqualTo(201);
            assertThat(send(tenant.key(), "GET", "/v1/secrets", null)).isEqualTo(200);
            assertThat(send(tenant.key(), "GET", "/v1/secrets/ANTHROPIC_API_KEY", null)).isEqualTo(200);
            assertThat(send(tenant.key(), "POST", "/v1/agents",
                    "{\"name\":\"coder\",\"model\":\"claude-sonnet-4-5\",\"credential\":\"ANTHROPIC_API_KEY\"}"))
                    .isEqualTo(201);
            // Bad requests that carry the value: not JSON, the wrong type, too large, a bad name.
            assertThat(send(tenant.key(), "PUT", "/v1/secrets/BROKEN", "{\"value\": " + canary + "}")).isEqualTo(400);
            assertThat(send(tenant.key(), "PUT", "/v1/secrets/BROKEN", "{\"value\": [\"" + canary + "\"]}")).isEqualTo(422);
            assertThat(send(tenant.key(), "PUT", "/v1/secrets/BROKEN",
                    "{\"value\":\"" + canary + "x".repeat(70_000) + "\"}")).isEqualTo(422);
            assertThat(send(tenant.key(), "PUT", "/v1/secrets/9bad", "{\"value\":\"" + canary + "\"}")).isEqualTo(422);
            assertThat(send(ApiITBase.OPERATOR_KEY, "PUT", "/v1/secrets/X", "{\"value\":\"" + canary + "\"}"))
                    .isEqualTo(403);
            assertThat(send(ApiITBase.OPERATOR_KEY, "POST", "/v1/admin/secrets/rewrap", null)).isEqualTo(200);

            // What the brain does just before a model call.
            SecretValue revealed = store.reveal(tenant.id(), SecretName.parse("ANTHROPIC_API_KEY"),
                    "brain:test session ses_000000000000000000000001");
            assertThat(revealed.plaintext()).isEqualTo(replacement);
            org.slf4j.LoggerFactory.getLogger(getClass()).trace("revealed {}", revealed);
        } finally {
            logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, rootLevel);
        }

        String logs = output.getAll();
        assertThat(logs).as("the server really logged at TRACE and DEBUG")
                .contains("TRACE", "DEBUG", "revealed secret 'ANTHROPIC_API_KEY'", "SecretValue[redacted]");
        assertNowhere(canary, "the captured logs", logs);
        assertNowhere(canary, "the API responses", String.join("\n", responses));
        assertNowhere(canary, "the database", dumpDatabase());
    }

    private static void assertNowhere(String canary, String where, String text) {
        byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
        assertThat(text).as(where)
                .doesNotContain(canary)
                .doesNotContain("CANARY-")
                .doesNotContainIgnoringCase(HexFormat.of().formatHex(bytes))
                .doesNotContain(Base64.getEncoder().encodeToString(bytes).substring(0, 20));
    }

    private int send(String key, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
        responses.add(response.statusCode() + " " + response.headers().map() + "\n" + response.body());
        return response.statusCode();
    }

    /** Every row of every table, as PostgreSQL writes it out ({@code COPY ... TO STDOUT}, bytea in hex). */
    private String dumpDatabase() throws Exception {
        StringWriter out = new StringWriter();
        try (Connection c = dataSource.getConnection()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("""
                    SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
                    WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1""")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("public.secrets", "public.secret_reveals", "public.agent_versions");
            for (String table : tables) {
                out.write("-- " + table + "\n");
                c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM " + table + ") TO STDOUT", out);
            }
        }
        assertThat(out.toString()).contains("ANTHROPIC_API_KEY", "brain:test session");
        return out.toString();
    }
}
