package dev.opencomputer.brain.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opencomputer.brain.ModelEndpoint;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.brain.postgres.PostgresGatewayTokens;
import dev.opencomputer.secrets.MasterKeys;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretStoreProperties;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.secrets.postgres.PostgresSecretStore;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The model gateway against real parts: PostgreSQL for its tokens and the secret store, the scripted
 * model server upstream, and a client on the sandbox's Unix socket.
 */
class ModelGatewayIT {

    private static final SecretName CREDENTIAL = SecretName.parse("MODEL_KEY");

    private final TenantId tenant = TenantId.next(Instant.now());
    private final String realKey = "sk-ant-real-" + UUID.randomUUID();
    private final Path sockets = Path.of(System.getProperty("java.io.tmpdir"), "oc-gw-" + UUID.randomUUID());
    private TestDatabase database;
    private HikariDataSource pool;
    private SecretStore secrets;
    private GatewayTokens tokens;
    private ModelServer models;
    private GatewayUsage usage;
    private ModelGateway gateway;

    @BeforeEach
    void start() {
        database = TestDatabase.create();
        Flyway.configure().dataSource(database.url(), null, null)
                .locations("classpath:db/migration/secret-store", "classpath:db/migration/brain").load().migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.url());
        pool = new HikariDataSource(config);
        SecureRandom random = new SecureRandom();
        secrets = new PostgresSecretStore(pool, new SecretStoreProperties(MasterKeys.newEntry(1, random), null, null,
                false, DataSize.ofKilobytes(64), null), random, Clock.systemUTC());
        secrets.verifyKeyring();
        secrets.put(tenant.value(), CREDENTIAL, SecretValue.of(realKey));
        tokens = new PostgresGatewayTokens(pool, Clock.systemUTC());
        models = ModelServer.start(ModelScript.of(ScriptedTurn.text("Hello from upstream, through the gateway.")));
        usage = new GatewayUsage();
        gateway = new ModelGateway(sandbox -> Optional.of(sockets.resolve(sandbox.value())), tokens, secrets,
                provider -> provider == ModelProvider.ANTHROPIC
                        ? new ModelEndpoint(provider, models.anthropicBaseUrl())
                        : new ModelEndpoint(provider, models.openAiBaseUrl()), usage, "gateway:it");
    }

    @AfterEach
    void stop() {
        gateway.close();
        models.close();
        pool.close();
        database.close();
    }

    private GatewayGrant grant(SandboxId sandbox, ModelProvider provider, String... models) {
        return new GatewayGrant(SessionId.next(Instant.now()), tenant, sandbox, provider, CREDENTIAL, Set.of(models));
    }

    private Path socket(SandboxId sandbox) {
        return sockets.resolve(sandbox.value()).resolve(ModelGateway.SOCKET);
    }

    private static String messages(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void streamsAnAnthropicCallUpstreamWithTheRealKeyInPlaceOfTheTokenAndCountsItsTokens() throws Exception {
        SandboxId sandbox = SandboxId.next(Instant.now());
        GatewayGrant grant = grant(sandbox, ModelProvider.ANTHROPIC, "claude-sonnet-4-6");
        String token = tokens.issue(grant);
        try (AutoCloseable served = gateway.serve(sandbox)) {
            assertThat(UnixHttp.send(socket(sandbox), "HEAD", "/", Map.of(), null).status()).isEqualTo(200);
            UnixHttp.Response response = UnixHttp.post(socket(sandbox), "/v1/messages?beta=true",
                    Map.of("authorization", "Bearer " + token, "anthropic-version", "2023-06-01",
                            "content-type", "application/json"), messages("claude-sonnet-4-6"));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("content-type")).contains("text/event-stream");
            assertThat(response.body()).contains("event: message_start", "\"text\":\"upstream, \"", "message_stop");
            RecordedRequest upstream = models.requests().getFirst();
            assertThat(upstream.apiKey()).isEqualTo(realKey);
            assertThat(upstream.body()).doesNotContain(token);
            assertThat(upstream.headers().values()).noneMatch(v -> v.contains(token));
            GatewayUsage.Counted counted = usage.take(grant.session());
            assertThat(counted.calls()).isEqualTo(1);
            assertThat(counted.tokens().outputTokens()).isPositive();
            assertThat(counted.tokens().inputTokens()).isPositive();
        }
        assertThat(Files.exists(socket(sandbox))).isFalse();
    }

    @Test
    void refusesARevokedTokenAnotherSandboxsTokenAndAModelTheAgentDoesNotAllowWithoutCallingUpstream()
            throws Exception {
        SandboxId sandbox = SandboxId.next(Instant.now());
        SandboxId other = SandboxId.next(Instant.now());
        GatewayGrant grant = grant(sandbox, ModelProvider.ANTHROPIC, "claude-sonnet-4-6");
        String token = tokens.issue(grant);
        String othersToken = tokens.issue(grant(other, ModelProvider.ANTHROPIC, "claude-sonnet-4-6"));
        Map<String, String> auth = Map.of("x-api-key", token, "content-type", "application/json");
        try (AutoCloseable served = gateway.serve(sandbox)) {
            UnixHttp.Response disallowed = UnixHttp.post(socket(sandbox), "/v1/messages", auth, messages("claude-opus-4-8"));
            assertThat(disallowed.status()).isEqualTo(403);
            assertThat(disallowed.body()).contains("permission_error", "claude-opus-4-8 is not allowed");

            UnixHttp.Response foreign = UnixHttp.post(socket(sandbox), "/v1/messages",
                    Map.of("x-api-key", othersToken), messages("claude-sonnet-4-6"));
            assertThat(foreign.status()).isEqualTo(401);

            UnixHttp.Response guessed = UnixHttp.post(socket(sandbox), "/v1/messages",
                    Map.of("x-api-key", realKey), messages("claude-sonnet-4-6"));
            assertThat(guessed.status()).isEqualTo(401);

            UnixHttp.Response wrongApi = UnixHttp.post(socket(sandbox), "/v1/chat/completions", auth,
                    "{\"model\":\"claude-sonnet-4-6\",\"messages\":[]}");
            assertThat(wrongApi.status()).isEqualTo(403);

            tokens.revoke(grant.session());
            UnixHttp.Response revoked = UnixHttp.post(socket(sandbox), "/v1/messages", auth, messages("claude-sonnet-4-6"));
            assertThat(revoked.status()).isEqualTo(401);
            assertThat(revoked.body()).contains("authentication_error").doesNotContain(token);
        }
        assertThat(models.requests()).isEmpty();
    }

    @Test
    void passesOpenAiChatCompletionsThroughWithABearerKey() throws Exception {
        SandboxId sandbox = SandboxId.next(Instant.now());
        GatewayGrant grant = grant(sandbox, ModelProvider.OPENAI, "gpt-5");
        String token = tokens.issue(grant);
        try (AutoCloseable served = gateway.serve(sandbox)) {
            UnixHttp.Response response = UnixHttp.post(socket(sandbox), "/v1/chat/completions",
                    Map.of("authorization", "Bearer " + token, "content-type", "application/json"),
                    "{\"model\":\"gpt-5\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("chat.completion.chunk", "[DONE]");
            assertThat(models.requests().getFirst().apiKey()).isEqualTo(realKey);
            assertThat(usage.take(grant.session()).tokens().outputTokens()).isPositive();
        }
    }
}
