package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.github.localserver.LocalGithub;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code kill -9} of the brain process after it pushed the session's branch and before it opened
 * the pull request (the local GitHub holds its look-up of the branch's pull requests); a new process
 * resumes the run, runs {@code open_pull_request} again, and exactly one pull request exists.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class GithubCrashIT extends SessionApiITBase {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final String TOKEN = "ghp_crash_" + UUID.randomUUID().toString().replace("-", "");
    private static final LocalGithub GITHUB;
    private static final List<Process> CHILDREN = new ArrayList<>();

    static {
        try {
            GITHUB = LocalGithub.start(0, Files.createTempDirectory("github-crash-it")).acceptToken(TOKEN)
                    .createRepository("acme/app", Map.of("hello.sh", "echo helo\n"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        BrainProcess.registerApiOnly(registry, DATABASE);
    }

    @AfterAll
    static void stopEverything() {
        CHILDREN.forEach(Process::destroyForcibly);
        MODELS.close();
        GITHUB.close();
    }

    private Process brain(String name) throws Exception {
        Process process = BrainProcess.start(name, DATABASE.url(), MODELS, LEASE, List.of(
                "--opencomputer.github.api-url=" + GITHUB.apiUrl(), "--opencomputer.github.git-url=" + GITHUB.gitUrl()));
        CHILDREN.add(process);
        return process;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBrainKilledBetweenThePushAndThePullRequestOpensExactlyOneAfterResuming() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"cd /workspace/app && sed -i s/helo/hello/ hello.sh"
                        + " && git commit -qam 'Fix the greeting'\"}"),
                ScriptedTurn.toolCall("open_pull_request", "{\"title\":\"Fix the greeting\"}"),
                ScriptedTurn.text("Done.")));
        TestTenant tenant = newTenant("github-crash");
        putSecret(tenant, "model-key", "sk-test-crash");
        putSecret(tenant, "repo-token", TOKEN);
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "coder", "model", "claude-sonnet-4-5", "provider", "anthropic",
                        "credential", "model-key")).exchange().expectStatus().isCreated();
        // a session may carry its GitHub task itself, as a trigger would put it there
        Map<String, Object> session = as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "fix issue 9", "metadata", Map.of(
                        "github.repository", "acme/app", "github.issue", "9", "github.credential", "repo-token")))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) session.get("id");

        GITHUB.holdPullLookups();
        Process first = brain("github-first");
        assertThat(GITHUB.awaitHeldPullLookup(Duration.ofSeconds(120)))
                .as("the first brain pushed and looks for the branch's pull request (target/server-crash-github-first.log)")
                .isTrue();
        assertThat(GITHUB.pushes()).hasSize(1);
        first.destroyForcibly().waitFor();
        GITHUB.releasePullLookups();
        assertThat(GITHUB.pullRequests()).isEmpty();

        brain("github-second");
        Await.until(Duration.ofSeconds(120), "the second brain finished the run (target/server-crash-github-second.log)",
                () -> "idle".equals(as(tenant.key()).get().uri("/v1/sessions/" + id).exchange().expectBody(Map.class)
                        .returnResult().getResponseBody().get("status")));

        assertThat(GITHUB.pullRequests()).singleElement().satisfies(pull -> {
            assertThat(pull.head()).isEqualTo("opencomputer/issue-9");
            assertThat(pull.body()).isEqualTo("Closes #9");
        });
        assertThat(GITHUB.pushes()).hasSize(1);
        List<Map<String, Object>> events = (List<Map<String, Object>>) as(tenant.key()).get()
                .uri("/v1/sessions/" + id + "/events?limit=1000").exchange().expectBody(Map.class).returnResult()
                .getResponseBody().get("data");
        List<String> types = events.stream().map(e -> (String) e.get("type")).toList();
        assertThat(types).containsSubsequence("tool.call", "runtime.restarted", "pull_request.opened", "tool.result",
                "agent.message", "session.idle");
        assertThat(types.stream().filter("pull_request.opened"::equals)).hasSize(1);
        assertThat(types.stream().filter("tool.call"::equals)).hasSize(1);
        assertThat(events).noneMatch(e -> String.valueOf(e.get("data")).contains("interrupted by a runtime restart"));
    }
}
