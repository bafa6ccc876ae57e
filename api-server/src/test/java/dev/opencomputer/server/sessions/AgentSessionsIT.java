package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sessions end to end: the API starts a session, this application's brain worker runs it in a real
 * sandbox on the real engine, the real Anthropic SDK talks to the scripted model server, and the
 * client watches it all over SSE with its client token. The class has its own database (so the
 * worker sees only its own sessions) and closes its context afterwards (so no worker outlives it).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class AgentSessionsIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final ECKey TOKEN_KEY = tokenKey();
    private static final String CANARY = "sk-ant-canary-" + UUID.randomUUID().toString().replace("-", "");

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
        registry.add("opencomputer.api.client-tokens.jwks", () -> new JWKSet(TOKEN_KEY).toString(false));
        registry.add("logging.level.dev.opencomputer", () -> "DEBUG");
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }


    @SuppressWarnings("unchecked")
    private Map<String, Object> startSession(Setup setup, Map<String, Object> body) {
        return as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    private SseConnection stream(Map<String, Object> session) throws Exception {
        return SseConnection.open(url((String) session.get("streamUrl") + "?token=" + session.get("clientToken")),
                Map.of());
    }

    private static Predicate<List<SseConnection.Frame>> has(String type) {
        return frames -> frames.stream().anyMatch(f -> type.equals(f.event()));
    }

    private static List<String> storedTypes(List<SseConnection.Frame> frames) {
        return frames.stream().filter(SseConnection.Frame::isStored).map(SseConnection.Frame::event).toList();
    }

    private static List<RecordedRequest> requestsFor(String input) {
        return MODELS.requests().stream().filter(r -> !r.userTexts().isEmpty() && r.userTexts().getFirst().equals(input))
                .toList();
    }

    @Test
    void aSessionWritesAFileRunsACommandAndIsStreamedStepByStepUntilIdle() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Writing the script.").withToolCall("write_file",
                        "{\"path\":\"greet.sh\",\"content\":\"echo hello from $GREETER\\n\"}"),
                ScriptedTurn.text("Running it.").withToolCall("bash",
                        "{\"command\":\"sh greet.sh && pwd && echo run >> /workspace/runs\"}"),
                ScriptedTurn.text("It printed the greeting. Done.")));
        Setup setup = tenantWithKeyedAgent("e2e", CANARY);
        Map<String, Object> session = startSession(setup, Map.of("agent", "coder", "input", "write and run greet.sh",
                "env", Map.of("GREETER", "the sandbox"), "cwd", "project",
                "additionalInstructions", "Keep it short."));
        assertThat(session).containsKeys("id", "status", "clientToken", "clientTokenExpiresAt", "streamUrl",
                "sandboxId");
        try (SseConnection sse = stream(session)) {
            List<SseConnection.Frame> frames = sse.await(has("session.idle"), Duration.ofSeconds(90));
            assertThat(storedTypes(frames)).containsExactly("session.started", "user.message", "run.started",
                    "agent.message", "tool.call", "file.write", "tool.result",
                    "agent.message", "command.run", "command.exited",
                    "agent.message", "session.idle");
            assertThat(frames).anyMatch(f -> !f.isStored() && "agent.delta".equals(f.event()));
            String exited = frames.stream().filter(f -> "command.exited".equals(f.event())).findFirst().orElseThrow()
                    .data();
            assertThat(exited).contains("hello from the sandbox").contains("/workspace/project")
                    .containsPattern("\"exitCode\":\\s*0");
        }
        List<RecordedRequest> requests = requestsFor("write and run greet.sh");
        assertThat(requests).hasSize(3);
        assertThat(requests.getFirst().system()).contains("You are a careful engineer.").contains("Keep it short.");
        assertThat(requests.get(2).assistantMessageCount()).isEqualTo(2);
        assertThat(requests).allMatch(r -> CANARY.equals(r.apiKey()));
        as(setup.tenant().key()).get().uri("/v1/sandboxes/" + session.get("sandboxId") + "/files?path=runs")
                .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("run\n");
        as(setup.tenant().key()).get().uri("/v1/sessions/" + session.get("id")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("idle").jsonPath("$.cwd").isEqualTo("project");
    }

    @Test
    void aMessagePostedWhileACommandRunsReachesTheModelInItsNextRequest() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"sleep 2; echo slept\"}"),
                ScriptedTurn.text("Noted, switching to python.")));
        Setup setup = tenantWithKeyedAgent("steer", CANARY);
        Map<String, Object> session = startSession(setup, Map.of("agent", "coder", "input", "steer me"));
        String token = (String) session.get("clientToken");
        try (SseConnection sse = stream(session)) {
            sse.await(has("command.run"), Duration.ofSeconds(60));
            // the browser steers with its client token
            anonymous().post().uri("/v1/sessions/" + session.get("id") + "/messages")
                    .header("Authorization", "Bearer " + token).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("text", "use python instead")).exchange().expectStatus().isCreated();
            List<SseConnection.Frame> frames = sse.await(has("session.idle"), Duration.ofSeconds(60));
            assertThat(storedTypes(frames)).containsSubsequence("command.run", "user.message", "command.exited",
                    "agent.message", "session.idle");
        }
        List<RecordedRequest> requests = requestsFor("steer me");
        assertThat(requests).hasSize(2);
        assertThat(requests.getFirst().userTexts()).doesNotContain("use python instead");
        assertThat(requests.get(1).userTexts()).contains("use python instead");
        assertThat(requests.get(1).lastToolResult()).contains("slept");
    }

    @Test
    void theModelKeyIsNowhereButInTheRequestsToTheModel(CapturedOutput output) throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"env > /workspace/env.txt; echo $ANTHROPIC_API_KEY\"}"),
                ScriptedTurn.text("Looked around.")));
        Setup setup = tenantWithKeyedAgent("canary", CANARY);
        Map<String, Object> session = startSession(setup, Map.of("agent", "coder", "input", "look for keys"));
        String id = (String) session.get("id");
        String sandboxId = (String) session.get("sandboxId");
        List<String> seen = new ArrayList<>();
        seen.add(session.toString());
        try (SseConnection sse = stream(session)) {
            List<SseConnection.Frame> frames = sse.await(has("session.idle"), Duration.ofSeconds(60));
            frames.forEach(f -> seen.add(f.event() + " " + f.data()));
        }
        assertThat(requestsFor("look for keys")).isNotEmpty().allMatch(r -> CANARY.equals(r.apiKey()));

        var key = setup.tenant().key();
        for (String path : List.of("/v1/sessions/" + id, "/v1/sessions/" + id + "/events?limit=1000", "/v1/sessions",
                "/v1/agents", "/v1/secrets", "/v1/sandboxes", "/v1/sandboxes/" + sandboxId,
                "/v1/agents/" + setup.agentId() + "/versions")) {
            seen.add(as(key).get().uri(path).exchange().expectBody(String.class).returnResult().getResponseBody());
        }
        // the sandbox: every process's environment and command line, every file outside /usr, /proc, /sys
        String everything = """
                for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do cat "$f" 2>/dev/null; echo; done
                find / -xdev -type f -size -2M ! -path '/proc/*' ! -path '/sys/*' ! -path '/usr/*' \
                  -exec cat {} + 2>/dev/null | tr -c '[:print:]\\n' ' '""";
        seen.add(as(key).post().uri("/v1/sandboxes/" + sandboxId + "/exec").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("command", everything)).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        seen.add(as(key).get().uri("/v1/sandboxes/" + sandboxId + "/files?path=env.txt").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        // the engine's view of the container: env, cmd, labels, mounts
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestEngine.dockerHost())
                .build();
        try (var engine = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(TestEngine.dockerHost())).build())) {
            seen.add(engine.inspectContainerCmd("oc-" + sandboxId).exec().toString());
        }
        assertThat(seen).hasSizeGreaterThan(10).noneMatch(text -> text != null && text.contains(CANARY));
        assertThat(output.getAll()).contains("brain worker").doesNotContain(CANARY);
    }

    @Test
    void aClientTokenActsOnItsOwnSessionOnlyAndForgedOnesAreRejected() throws Exception {
        MODELS.play(ModelScript.of(ScriptedTurn.text("Hello.")));
        Setup setup = tenantWithKeyedAgent("tokens", CANARY);
        Map<String, Object> mine = startSession(setup, Map.of("agent", "coder", "input", "token one"));
        Map<String, Object> other = startSession(setup, Map.of("agent", "coder", "input", "token two"));
        String id = (String) mine.get("id");
        String token = (String) mine.get("clientToken");
        String otherToken = (String) other.get("clientToken");

        as(token).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk();
        as(token).get().uri("/v1/sessions/" + id + "/events").exchange().expectStatus().isOk();
        try (SseConnection sse = stream(mine)) {
            assertThat(sse.status()).isEqualTo(200);
        }
        // another session's token, on this session
        as(otherToken).get().uri("/v1/sessions/" + id).exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "forbidden");
        as(otherToken).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "hi")).exchange().expectStatus().isForbidden();
        // a client token anywhere else
        as(token).get().uri("/v1/agents").exchange().expectStatus().isForbidden();
        as(token).get().uri("/v1/sessions").exchange().expectStatus().isForbidden();
        as(token).get().uri("/v1/sandboxes/" + mine.get("sandboxId")).exchange().expectStatus().isForbidden();
        as(token).get().uri("/v1/secrets").exchange().expectStatus().isForbidden();
        as(token).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "x")).exchange().expectStatus().isForbidden();
        as(token).post().uri("/v1/sessions/" + id + "/client-tokens").exchange().expectStatus().isForbidden();
        // exactly what docs/api.md lists: not wake, close or destroy (a message wakes the session)
        as(token).post().uri("/v1/sessions/" + id + "/wake").exchange().expectStatus().isForbidden();
        as(token).post().uri("/v1/sessions/" + id + "/close").exchange().expectStatus().isForbidden();
        as(token).delete().uri("/v1/sessions/" + id).exchange().expectStatus().isForbidden();
        anonymous().get().uri("/v1/agents?token=" + token).exchange().expectStatus().isForbidden();
        // an API key is never accepted as ?token=
        anonymous().get().uri("/v1/sessions/" + id + "?token=" + setup.tenant().key()).exchange()
                .expectStatus().isUnauthorized();

        // forged, expired, tampered, unsigned, HMAC-with-the-public-key, no audience
        Instant now = Instant.now();
        JWTClaimsSet valid = claims(setup.tenant().id(), id, now.plusSeconds(300)).build();
        as(sign(valid)).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk();
        as(sign(claims(setup.tenant().id(), id, now.minusSeconds(60)).build())).get().uri("/v1/sessions/" + id)
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "credential-invalid");
        as(sign(claims(setup.tenant().id(), id, now.plusSeconds(300)).audience((String) null).build()))
                .get().uri("/v1/sessions/" + id).exchange().expectStatus().isUnauthorized();
        as(sign(claims(setup.tenant().id(), id, now.plusSeconds(300)).expirationTime(null).build()))
                .get().uri("/v1/sessions/" + id).exchange().expectStatus().isUnauthorized();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace((String) mine.get("id"), (String) other.get("id"));
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        as(tampered).get().uri("/v1/sessions/" + other.get("id")).exchange().expectStatus().isUnauthorized();
        as(new PlainJWT(valid).serialize()).get().uri("/v1/sessions/" + id).exchange().expectStatus().isUnauthorized();
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("oc-client+jwt"))
                .keyID(TOKEN_KEY.getKeyID()).build(), valid);
        byte[] secret = TOKEN_KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        hmac.sign(new MACSigner(secret));
        as(hmac.serialize()).get().uri("/v1/sessions/" + id).exchange().expectStatus().isUnauthorized();

        // an API key mints a fresh token for its session; another tenant's key gets a 404
        var fresh = as(setup.tenant().key()).post().uri("/v1/sessions/" + id + "/client-tokens").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        as((String) fresh.get("clientToken")).get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk();
        TestTenant stranger = newTenant("stranger");
        as(stranger.key()).post().uri("/v1/sessions/" + id + "/client-tokens").exchange().expectStatus().isNotFound();
    }

    @Test
    void severalSessionsShareOneSandboxAndARetriedStartIsReplayed() {
        MODELS.play(ModelScript.of(ScriptedTurn.text("Fine.")));
        Setup setup = tenantWithKeyedAgent("sharing", CANARY);
        Map<String, Object> first = startSession(setup, Map.of("agent", "coder", "input", "share one"));
        Map<String, Object> second = startSession(setup, Map.of("agent", "coder", "input", "share two",
                "sandbox", first.get("sandboxId")));
        assertThat(second.get("sandboxId")).isEqualTo(first.get("sandboxId"));
        as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "x", "sandbox", "sbx_000000000000000000000000"))
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("sandbox");
        as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "x", "cwd", "../etc")).exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("cwd");

        Map<String, Object> body = Map.of("agent", "coder", "input", "once only");
        @SuppressWarnings("unchecked")
        Map<String, Object> once = as(setup.tenant().key()).post().uri("/v1/sessions").header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        Map<String, Object> again = as(setup.tenant().key()).post().uri("/v1/sessions").header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(again.get("id")).isEqualTo(once.get("id"));
        assertThat(again.get("sandboxId")).isEqualTo(once.get("sandboxId"));
        as(setup.tenant().key()).get().uri("/v1/sessions").exchange().expectBody()
                .jsonPath("$.data.length()").isEqualTo(3);
    }

    private static JWTClaimsSet.Builder claims(String tenant, String session, Instant expires) {
        return new JWTClaimsSet.Builder().issuer("opencomputer").audience("opencomputer:session").subject(session)
                .claim("tid", tenant).issueTime(Date.from(Instant.now().minusSeconds(5)))
                .expirationTime(Date.from(expires)).jwtID(UUID.randomUUID().toString());
    }

    private static String sign(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("oc-client+jwt")).keyID(TOKEN_KEY.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(TOKEN_KEY));
        return jwt.serialize();
    }

    private static ECKey tokenKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("it-" + UUID.randomUUID()).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
