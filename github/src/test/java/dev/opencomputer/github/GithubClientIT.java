package dev.opencomputer.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.github.localserver.LocalGithub;
import dev.opencomputer.github.localserver.RecordedCall;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.BundleWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The brain's GitHub side against the local GitHub over real HTTP: clone to a bundle, commits
 * coming back as a bundle and pushed with the token, pull requests and comments, and installation
 * tokens minted for a GitHub App's RS256 JWT.
 */
class GithubClientIT {

    private static final String TOKEN = "ghp_test_" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;
    private LocalGithub github;
    private GithubClient client;

    @BeforeEach
    void start() {
        github = LocalGithub.start(0, dir.resolve("server")).acceptToken(TOKEN)
                .createRepository("acme/app", Map.of("hello.sh", "echo helo\n", "CHANGELOG.md", "# Changelog\n"));
        client = new GithubClient(github.apiUrl(), github.gitUrl(), HttpClient.newHttpClient(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        github.close();
    }

    /** What the sandbox does with git alone: clone the bundle, commit, bundle HEAD. */
    private byte[] commitInSandbox(byte[] checkout, String file, String content) throws Exception {
        Path bundle = dir.resolve("checkout-" + System.nanoTime() + ".bundle");
        Files.write(bundle, checkout);
        Path work = dir.resolve("work-" + System.nanoTime());
        try (Git git = Git.cloneRepository().setURI(bundle.toUri().toString()).setDirectory(work.toFile()).call()) {
            Files.writeString(work.resolve(file), content);
            git.add().addFilepattern(file).call();
            PersonIdent agent = new PersonIdent("agent", "agent@example.invalid");
            git.commit().setMessage("Fix the greeting").setAuthor(agent).setCommitter(agent).call();
            BundleWriter writer = new BundleWriter(git.getRepository());
            writer.include("HEAD", git.getRepository().resolve("HEAD"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writer.writeBundle(NullProgressMonitor.INSTANCE, out);
            return out.toByteArray();
        }
    }

    @Test
    void aCloneComesBackAsCommitsPushedWithTheTokenAndAPullRequestIsOpenedOnce() throws Exception {
        assertThat(client.defaultBranch("acme/app", TOKEN)).isEqualTo("main");
        byte[] checkout = GitTransfer.cloneAsBundle(client.cloneUrl("acme/app"), "main", TOKEN);
        assertThat(new String(checkout, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);

        byte[] work = commitInSandbox(checkout, "hello.sh", "echo hello\n");
        String sha = GitTransfer.pushBundle(work, client.cloneUrl("acme/app"), "opencomputer/issue-7", TOKEN);
        assertThat(github.head("acme/app", "opencomputer/issue-7")).contains(sha);
        assertThat(github.file("acme/app", "opencomputer/issue-7", "hello.sh")).contains("echo hello\n");
        assertThat(github.file("acme/app", "main", "hello.sh")).contains("echo helo\n");
        assertThat(GitTransfer.pushBundle(work, client.cloneUrl("acme/app"), "opencomputer/issue-7", TOKEN))
                .isEqualTo(sha);
        assertThat(github.pushes()).containsExactly("acme/app refs/heads/opencomputer/issue-7 " + sha);

        assertThat(client.findPull("acme/app", "opencomputer/issue-7", TOKEN)).isEmpty();
        PullRequestRef pull = client.openPull("acme/app", "Fix the greeting", "Closes #7", "opencomputer/issue-7",
                "main", TOKEN);
        assertThat(pull.number()).isPositive();
        assertThat(pull.headSha()).isEqualTo(sha);
        assertThat(pull.url()).endsWith("/acme/app/pull/" + pull.number());
        assertThat(client.findPull("acme/app", "opencomputer/issue-7", TOKEN)).contains(pull);
        assertThatThrownBy(() -> client.openPull("acme/app", "again", "", "opencomputer/issue-7", "main", TOKEN))
                .isInstanceOf(GithubException.class).hasMessageContaining("422")
                .hasMessageContaining("already exists").hasMessageNotContaining(TOKEN);
        client.comment("acme/app", 7, "Opened " + pull.url(), TOKEN);
        assertThat(github.comments()).singleElement().satisfies(c -> {
            assertThat(c.issue()).isEqualTo(7);
            assertThat(c.body()).isEqualTo("Opened " + pull.url());
        });
        // Git asks without a credential first and gets the Basic challenge; everything else carried the token.
        assertThat(github.calls()).filteredOn(c -> !c.authorized()).isNotEmpty()
                .allMatch(c -> c.path().contains(".git/info/refs"), "only git's first, challenged request");
        assertThat(github.calls()).filteredOn(c -> !c.path().contains(".git/")).isNotEmpty()
                .allMatch(RecordedCall::authorized);
    }

    @Test
    void withoutTheTokenNothingIsClonedPushedOrOpened() {
        assertThatThrownBy(() -> GitTransfer.cloneAsBundle(client.cloneUrl("acme/app"), "main", "ghp_wrong"))
                .isInstanceOf(GithubException.class).hasMessageNotContaining("ghp_wrong");
        assertThatThrownBy(() -> client.openPull("acme/app", "t", "", "main", "main", "ghp_wrong"))
                .isInstanceOf(GithubException.class).hasMessageContaining("401")
                .satisfies(e -> assertThat(((GithubException) e).status()).isEqualTo(401));
        assertThatThrownBy(() -> client.defaultBranch("acme/missing", TOKEN)).hasMessageContaining("404");
        assertThat(github.pullRequests()).isEmpty();
    }

    @Test
    void aGitHubAppGetsAnInstallationTokenFromItsJwtOnceAndUsesIt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        github.registerApp(new LocalGithub.App("4242", (RSAPublicKey) pair.getPublic()));
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        String pkcs1Pem = "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(Arrays.copyOfRange(pkcs8, 26, pkcs8.length))
                + "\n-----END RSA PRIVATE KEY-----\n";
        String secret = "{\"appId\": \"4242\", \"installationId\": 99, \"privateKey\": "
                + tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(pkcs1Pem) + "}";
        GithubCredentials credentials = GithubCredentials.parse(secret);
        assertThat(credentials).isInstanceOf(GithubCredentials.App.class);
        assertThat(credentials.toString()).doesNotContain("PRIVATE").contains("4242");

        String token = client.token(credentials);
        assertThat(token).startsWith("ghs_");
        assertThat(client.token(credentials)).isEqualTo(token);
        assertThat(github.calls()).filteredOn(c -> c.path().equals("/app/installations/99/access_tokens"))
                .singleElement().satisfies(c -> assertThat(c.authorized()).isTrue());
        assertThat(GitTransfer.cloneAsBundle(client.cloneUrl("acme/app"), "main", token)).isNotEmpty();

        KeyPair other = generator.generateKeyPair();
        String forged = "{\"appId\": \"4242\", \"installationId\": \"98\", \"privateKey\": "
                + tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString("-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(other.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----")
                + "}";
        assertThatThrownBy(() -> client.token(GithubCredentials.parse(forged))).isInstanceOf(GithubException.class)
                .hasMessageContaining("401");
    }

    @Test
    void credentialsAreReadWithoutEverQuotingThem() {
        assertThat(GithubCredentials.parse(" ghp_abc\n")).isEqualTo(new GithubCredentials.Token("ghp_abc"));
        assertThat(GithubCredentials.parse("ghp_abc").toString()).doesNotContain("ghp_abc");
        assertThatThrownBy(() -> GithubCredentials.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> GithubCredentials.parse("ghp a")).hasMessageNotContaining("ghp a");
        assertThatThrownBy(() -> GithubCredentials.parse("{\"appId\": \"1\"}")).hasMessageContaining("installationId");
        assertThatThrownBy(() -> GithubCredentials.parse("{\"appId\": \"1\", \"installationId\": 2, \"privateKey\": \"zzz\"}"))
                .hasMessageContaining("not a PEM-encoded RSA key");
        assertThatThrownBy(() -> GithubCredentials.parse("{oops")).hasMessageContaining("not valid JSON");
    }
}
