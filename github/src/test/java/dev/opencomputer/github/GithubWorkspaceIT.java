package dev.opencomputer.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.github.localserver.LocalGithub;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.docker.DockerSandboxDriver;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.TestEngine;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkout in a real sandbox on the real engine, made and pushed by the brain's side against the
 * local GitHub: the sandbox works with plain git, and the token is nowhere inside it.
 */
class GithubWorkspaceIT {

    private static final String TOKEN = "ghp_canary_" + UUID.randomUUID().toString().replace("-", "");

    @TempDir
    Path dir;
    private LocalGithub github;
    private DockerSandboxDriver driver;
    private GithubWorkspace workspace;
    private SandboxId sandbox;

    @BeforeEach
    void start() {
        github = LocalGithub.start(0, dir).acceptToken(TOKEN)
                .createRepository("acme/app", Map.of("hello.sh", "echo helo\n", "CHANGELOG.md", "# Changelog\n"));
        driver = new DockerSandboxDriver(SandboxConfig.builder().dockerHost(TestEngine.dockerHost())
                .instance("gh-it-" + UUID.randomUUID().toString().substring(0, 8))
                .defaultImage(TestEngine.hostUsrImage()).stopTimeout(Duration.ofSeconds(2))
                .imageMounts(List.of(new ImageMount(TestEngine.hostUsrImage(), "/usr", "/usr"))).build(),
                Clock.systemUTC());
        workspace = new GithubWorkspace(driver,
                new GithubClient(github.apiUrl(), github.gitUrl(), HttpClient.newHttpClient(), Clock.systemUTC()));
        sandbox = driver.create(SandboxSpec.of(SandboxId.next(Instant.now()), TenantId.next(Instant.now()))).id();
    }

    @AfterEach
    void stop() {
        driver.list().forEach(s -> driver.remove(s.id()));
        driver.close();
        github.close();
    }

    private ExecResult sh(String script) {
        return driver.run(sandbox, ExecRequest.shell(script));
    }

    @Test
    void theSandboxGetsACheckoutWithoutAnyCredentialAndItsCommitsArePushedFromOutside() {
        GithubWorkspace.Checkout checkout = workspace.checkout(sandbox, "acme/app", null, TOKEN);
        assertThat(checkout).isEqualTo(new GithubWorkspace.Checkout("acme/app", "/workspace/app", "main", true));

        assertThat(sh("cd /workspace/app && git status --porcelain=v1 -b && git log --oneline | wc -l").stdout().text())
                .contains("## main...origin/main").contains("1");
        assertThat(sh("cd /workspace/app && git remote get-url origin").stdout().text().strip())
                .isEqualTo(github.gitUrl() + "/acme/app.git");
        // The canary: the token is nowhere in the sandbox — files (incl. .git), environment, processes.
        // (The token is searched for in two halves, so that the search command itself does not hold it.)
        String half = TOKEN.substring(0, 12);
        ExecResult search = sh("a='" + half + "'; b='" + TOKEN.substring(12) + "'; grep -r -a -o -h \"$a$b\" /workspace /tmp /etc"
                + " 2>/dev/null; env; ps -ef 2>/dev/null; cat /workspace/app/.git/config; ls -a /workspace /workspace/.opencomputer");
        assertThat(search.stdout().text()).doesNotContain(TOKEN).doesNotContain("checkout.bundle")
                .doesNotContain("credential").doesNotContain("x-access-token");

        ExecResult committed = sh("cd /workspace/app && echo 'echo hello' > hello.sh && git commit -q -am 'Fix the greeting'"
                + " && git rev-parse HEAD");
        assertThat(committed.exitCode()).as(committed.stderr().text()).isZero();
        String sha = committed.stdout().text().strip();
        assertThat(workspace.revision(sandbox, "acme/app", "HEAD")).isEqualTo(sha);
        assertThat(workspace.revision(sandbox, "acme/app", "origin/main")).isNotEqualTo(sha);

        assertThat(workspace.pushHead(sandbox, "acme/app", "opencomputer/issue-7", TOKEN)).isEqualTo(sha);
        assertThat(github.head("acme/app", "opencomputer/issue-7")).contains(sha);
        assertThat(github.file("acme/app", "opencomputer/issue-7", "hello.sh")).contains("echo hello\n");
        assertThat(sh("ls -a /workspace/.opencomputer").stdout().text()).doesNotContain("bundle");

        // A second checkout (a resumed run) leaves the agent's work alone.
        assertThat(workspace.checkout(sandbox, "acme/app", null, TOKEN).fresh()).isFalse();
        assertThat(sh("cat /workspace/app/hello.sh").stdout().text()).isEqualTo("echo hello\n");
    }

    @Test
    void aWrongTokenOrAMissingCheckoutFailsClearly() {
        assertThatThrownBy(() -> workspace.checkout(sandbox, "acme/app", "main", "ghp_wrong"))
                .isInstanceOf(GithubException.class).hasMessageNotContaining("ghp_wrong");
        assertThat(sh("test -e /workspace/app").exitCode()).isNotZero();
        assertThatThrownBy(() -> workspace.pushHead(sandbox, "acme/app", "x", TOKEN))
                .isInstanceOf(GithubException.class).hasMessageContaining("no commit to push");
        assertThatThrownBy(() -> workspace.checkout(sandbox, "acme/app'; rm -rf /", null, TOKEN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(github.pushes()).isEmpty();
    }
}
