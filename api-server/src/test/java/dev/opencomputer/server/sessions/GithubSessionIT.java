package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.github.localserver.LocalGithub;
import dev.opencomputer.github.localserver.PullRequest;
import dev.opencomputer.testing.Await;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import dev.opencomputer.testing.WebhookReceiver;
import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The GitHub story end to end on real parts: a signed {@code issues.labeled} delivery starts a
 * session, the brain checks the repository out of the local GitHub into a real sandbox, the scripted
 * model edits, commits and calls {@code open_pull_request}, a collaborator's comment mid-run reaches
 * the next model request, the local GitHub receives the push, the pull request and the comment, and
 * the user's backend gets {@code pull_request.opened} as a signed webhook — while the repository
 * token is nowhere the agent, the log or the API could show it.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class GithubSessionIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final String TOKEN = "ghp_canary_" + UUID.randomUUID().toString().replace("-", "");
    private static final LocalGithub GITHUB = LocalGithub.start(0, tempDir()).acceptToken(TOKEN)
            .createRepository("acme/app", Map.of("hello.sh", "echo helo\n", "CHANGELOG.md", "# Changelog\n"));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final WebhookReceiver BACKEND = WebhookReceiver.start();

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
        registry.add("opencomputer.github.api-url", () -> GITHUB.apiUrl().toString());
        registry.add("opencomputer.github.git-url", () -> GITHUB.gitUrl().toString());
    }

    @AfterAll
    static void stop() {
        MODELS.close();
        GITHUB.close();
        BACKEND.close();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("github-session-it");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> deliver(String triggerId, String secret, String event, Map<String, Object> payload)
            throws Exception {
        byte[] body = JSON.writeValueAsBytes(payload);
        return anonymous().post().uri("/v1/github/hooks/" + triggerId).contentType(MediaType.APPLICATION_JSON)
                .header("X-GitHub-Event", event).header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", sign(secret, body)).bodyValue(body).exchange()
                .expectStatus().is2xxSuccessful().expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(String key, String sessionId) {
        return (List<Map<String, Object>>) as(key).get().uri("/v1/sessions/" + sessionId + "/events?limit=1000")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("data");
    }

    /** What the engine says of the sandbox's container: its config, environment, mounts and labels. */
    private static String inspect(String sandboxId) throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestEngine.dockerHost())
                .build();
        try (var engine = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(java.net.URI.create(TestEngine.dockerHost())).build())) {
            String inspected = JSON.writeValueAsString(engine.inspectContainerCmd("oc-" + sandboxId).exec());
            assertThat(inspected).contains(sandboxId);
            return inspected;
        }
    }

    private static List<RecordedRequest> requestsAbout(String text) {
        return MODELS.requests().stream().filter(r -> !r.userTexts().isEmpty() && r.userTexts().getFirst().contains(text))
                .toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLabelledIssueBecomesAPullRequestAndACommentSteersTheRunOnTheWay(CapturedOutput output) throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"cd /workspace/app && sleep 3 && sed -i s/helo/hello/ hello.sh"
                        + " && git commit -qam 'Fix the greeting' && git log --oneline | wc -l\"}"),
                ScriptedTurn.toolCall("bash", "{\"command\":\"cd /workspace/app && echo '- Fix the greeting' >> CHANGELOG.md"
                        + " && git commit -qam 'Changelog' && git status --short | wc -l\"}"),
                ScriptedTurn.toolCall("open_pull_request", "{\"title\":\"Fix the greeting\",\"body\":\"hello.sh said helo.\"}"),
                ScriptedTurn.text("The pull request is open.")));
        Setup setup = tenantWithKeyedAgent("github-e2e", "sk-ant-model-key");
        putSecret(setup.tenant(), "repo-token", TOKEN);
        Map<String, Object> trigger = as(setup.tenant().key()).post().uri("/v1/github/triggers")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("repository", "acme/app", "label", "opencomputer", "agent", "coder",
                        "credential", "repo-token"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String triggerId = (String) trigger.get("id");
        String webhookSecret = (String) as(setup.tenant().key()).post().uri("/v1/webhook-endpoints")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", BACKEND.url("/github"), "events", List.of("pull_request.*")))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("secret");
        String secret = (String) trigger.get("webhookSecret");

        Map<String, Object> started = deliver(triggerId, secret, "issues", Map.of("action", "labeled",
                "label", Map.of("name", "opencomputer"), "repository", Map.of("full_name", "acme/app"),
                "issue", Map.of("number", 7, "title", "Fix the greeting", "body", "hello.sh prints helo",
                        "html_url", "https://github.com/acme/app/issues/7")));
        assertThat(started).containsEntry("result", "started");
        String sessionId = (String) started.get("sessionId");

        Await.until(Duration.ofSeconds(60), "the first command runs", () -> events(setup.tenant().key(), sessionId)
                .stream().anyMatch(e -> "command.run".equals(e.get("type"))));
        assertThat(deliver(triggerId, secret, "issue_comment", Map.of("action", "created",
                "repository", Map.of("full_name", "acme/app"), "issue", Map.of("number", 7),
                "comment", Map.of("body", "also bump the changelog", "author_association", "COLLABORATOR",
                        "user", Map.of("login", "octocat", "type", "User")))))
                .containsEntry("result", "steered");

        List<Map<String, Object>> log = Await.value(Duration.ofSeconds(90), "the session is idle",
                () -> events(setup.tenant().key(), sessionId),
                events -> events.stream().anyMatch(e -> "session.idle".equals(e.get("type"))));
        List<String> types = log.stream().map(e -> (String) e.get("type")).toList();
        assertThat(types).containsSubsequence("session.started", "user.message", "run.started", "command.run",
                "user.message", "command.exited", "command.run", "command.exited", "tool.call",
                "pull_request.opened", "tool.result", "agent.message", "session.idle");
        assertThat(types).doesNotContain("session.failed");

        PullRequest pull = Await.value(Duration.ofSeconds(5), "the pull request", GITHUB::pullRequests,
                pulls -> !pulls.isEmpty()).getFirst();
        assertThat(GITHUB.pullRequests()).hasSize(1);
        assertThat(pull.title()).isEqualTo("Fix the greeting");
        assertThat(pull.head()).isEqualTo("opencomputer/issue-7");
        assertThat(pull.body()).contains("hello.sh said helo.").contains("Closes #7");
        assertThat(GITHUB.file("acme/app", "opencomputer/issue-7", "hello.sh")).contains("echo hello\n");
        assertThat(GITHUB.file("acme/app", "opencomputer/issue-7", "CHANGELOG.md")).contains("# Changelog\n- Fix the greeting\n");
        assertThat(GITHUB.file("acme/app", "main", "hello.sh")).contains("echo helo\n");
        assertThat(GITHUB.comments()).singleElement().satisfies(c -> {
            assertThat(c.issue()).isEqualTo(7);
            assertThat(c.body()).contains(pull.url()).contains("<!-- opencomputer -->");
        });
        Map<String, Object> opened = log.stream().filter(e -> "pull_request.opened".equals(e.get("type")))
                .findFirst().orElseThrow();
        assertThat((Map<String, Object>) opened.get("data")).containsEntry("repository", "acme/app")
                .containsEntry("number", pull.number()).containsEntry("url", pull.url())
                .containsEntry("branch", "opencomputer/issue-7").containsEntry("headSha", pull.headSha());

        // the user's backend hears of it: a webhook signed as Standard Webhooks, verified by the reference library
        WebhookReceiver.Received delivery = Await.value(Duration.ofSeconds(30), "the pull_request.opened webhook",
                () -> BACKEND.received("/github"), got -> !got.isEmpty()).getFirst();
        new Webhook(webhookSecret).verify(delivery.body(), delivery.headers());
        Map<String, Object> hook = JSON.readValue(delivery.body(), Map.class);
        assertThat(hook).containsEntry("type", "pull_request.opened");
        assertThat((Map<String, Object>) hook.get("data")).containsEntry("sessionId", sessionId)
                .containsEntry("seq", opened.get("seq"));
        assertThat(BACKEND.received("/github")).hasSize(1);
        Await.until(Duration.ofSeconds(10), "webhook.sent is logged", () -> events(setup.tenant().key(), sessionId)
                .stream().anyMatch(e -> "webhook.sent".equals(e.get("type"))));

        // the comment reached the model's next request, and the tool was offered
        List<RecordedRequest> requests = requestsAbout("GitHub issue #7");
        assertThat(requests).hasSizeGreaterThanOrEqualTo(4);
        assertThat(requests.getFirst().toolNames()).contains("open_pull_request", "bash");
        assertThat(requests.getFirst().userTexts()).noneMatch(t -> t.contains("also bump the changelog"));
        assertThat(requests.get(1).userTexts()).anyMatch(t -> t.contains("@octocat commented on #7:\n\nalso bump the changelog"));

        // the canary: the token is in no event, no API answer, no log line and nowhere in the sandbox
        String sandboxId = (String) as(setup.tenant().key()).get().uri("/v1/sessions/" + sessionId).exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("sandboxId");
        String half = TOKEN.substring(0, 12);
        String inside = as(setup.tenant().key()).post().uri("/v1/sandboxes/" + sandboxId + "/exec")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("command", List.of("sh", "-c", "a='" + half + "'; b='" + TOKEN.substring(12)
                        + "'; grep -r -a -o -h \"$a$b\" /workspace /tmp /etc /root 2>/dev/null; env; ps -ef;"
                        + " cat /workspace/app/.git/config; git -C /workspace/app config --local --list")))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(inside).contains("url = " + GITHUB.gitUrl() + "/acme/app.git").doesNotContain(TOKEN)
                .doesNotContain("x-access-token").doesNotContain("credential");
        String everything = JSON.writeValueAsString(log) + JSON.writeValueAsString(trigger) + output.getAll()
                + as(setup.tenant().key()).get().uri("/v1/sessions/" + sessionId).exchange()
                        .expectBody(String.class).returnResult().getResponseBody()
                + as(setup.tenant().key()).get().uri("/v1/github/triggers/" + triggerId).exchange()
                        .expectBody(String.class).returnResult().getResponseBody()
                + MODELS.requests().stream().map(RecordedRequest::body).toList()
                + BACKEND.received().stream().map(r -> r.headers() + r.body()).toList()
                + inspect(sandboxId);
        assertThat(everything).doesNotContain(TOKEN);
        assertThat(GITHUB.calls()).filteredOn(c -> !c.path().contains(".git/")).allMatch(c -> c.authorized());
    }
}
