package dev.opencomputer.brain.github;

import dev.opencomputer.brain.ToolSpec;
import dev.opencomputer.github.GithubClient;
import dev.opencomputer.github.GithubCredentials;
import dev.opencomputer.github.GithubException;
import dev.opencomputer.github.GithubWorkspace;
import dev.opencomputer.github.PullRequestRef;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.session.PullRequestOpened;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.util.Optional;

/**
 * What the brain does for a session with a {@link GithubTask}: check the repository out in its
 * sandbox before the first step, and open a pull request from the agent's commits when the model
 * calls {@link #OPEN_PULL_REQUEST}. The repository token is revealed here, used here and never
 * leaves the brain. Opening is idempotent: a branch that already has an open pull request gets
 * the new commits pushed and the same pull request back, so a resumed run never opens a second one.
 */
public final class GithubSessions {

    /** The tool the model calls to open the pull request. */
    public static final ToolSpec OPEN_PULL_REQUEST = new ToolSpec("open_pull_request", """
            Open a GitHub pull request with the commits of the repository checkout (commit your changes \
            with git first). The brain pushes the current HEAD to the branch and opens the pull request \
            against the branch the checkout came from; calling it again updates the same pull request.""", """
            {
              "type": "object",
              "properties": {
                "title": {"type": "string", "description": "The pull request's title."},
                "body": {"type": "string", "description": "What changed and why (Markdown)."},
                "branch": {"type": "string", "description": "Optional branch name; a default is derived from the issue."}
              },
              "required": ["title"],
              "additionalProperties": false
            }""");

    /** Comments the platform writes carry this marker, so they never steer a session back. */
    public static final String OWN_COMMENT_MARKER = "<!-- opencomputer -->";

    /** A pull request the tool opened or found, and whether this call opened it. */
    public record Opened(PullRequestOpened event, boolean created) {
    }

    private final SecretStore secrets;
    private final GithubClient github;
    private final GithubWorkspace workspace;

    public GithubSessions(SecretStore secrets, GithubClient github, SandboxDriver sandboxes) {
        this.secrets = secrets;
        this.github = github;
        this.workspace = new GithubWorkspace(sandboxes, github);
    }

    /** Checks the task's repository out in the sandbox, unless it is there already. */
    public GithubWorkspace.Checkout prepare(TenantId tenant, SessionId session, SandboxId sandbox, GithubTask task) {
        return workspace.checkout(sandbox, task.repository(), task.ref(), token(tenant, session, task));
    }

    /**
     * Pushes the checkout's HEAD and opens (or finds) the pull request.
     *
     * @throws IllegalArgumentException when the model's input is unusable (said so to the model)
     * @throws GithubException          when GitHub or git refuses, with a message safe to show
     */
    public Opened openPullRequest(TenantId tenant, SessionId session, SandboxId sandbox, GithubTask task, String title,
            String body, String requestedBranch) {
        if (title == null || title.isBlank() || title.length() > 256) {
            throw new IllegalArgumentException("title is required, at most 256 characters");
        }
        String text = body == null ? "" : body;
        if (text.length() > 60_000) {
            throw new IllegalArgumentException("body is longer than 60000 characters");
        }
        String branch = task.branch(requestedBranch);
        String token = token(tenant, session, task);
        String base = task.ref() != null ? task.ref() : github.defaultBranch(task.repository(), token);
        String head = workspace.revision(sandbox, task.repository(), "HEAD");
        if (head == null) {
            throw new GithubException("there is no checkout of " + task.repository() + " with a commit in the sandbox", 0);
        }
        if (head.equals(workspace.revision(sandbox, task.repository(), "origin/" + base))) {
            throw new GithubException("HEAD is still at " + base + ": commit your changes with git before opening "
                    + "a pull request", 0);
        }
        String pushed = workspace.pushHead(sandbox, task.repository(), branch, token);
        Optional<PullRequestRef> existing = github.findPull(task.repository(), branch, token);
        if (existing.isPresent()) {
            return new Opened(event(task, existing.get(), branch, pushed), false);
        }
        String description = task.issue() > 0 ? text + (text.isBlank() ? "" : "\n\n") + "Closes #" + task.issue() : text;
        PullRequestRef pull;
        try {
            pull = github.openPull(task.repository(), title.strip(), description, branch, base, token);
        } catch (GithubException e) {
            // Opened meanwhile (a resumed run racing its predecessor): the branch's pull request is the one.
            pull = github.findPull(task.repository(), branch, token).orElseThrow(() -> e);
            return new Opened(event(task, pull, branch, pushed), false);
        }
        if (task.issue() > 0) {
            github.comment(task.repository(), task.issue(), "Opened pull request #" + pull.number() + ": " + pull.url()
                    + "\n\n" + OWN_COMMENT_MARKER, token);
        }
        return new Opened(event(task, pull, branch, pushed), true);
    }

    private static PullRequestOpened event(GithubTask task, PullRequestRef pull, String branch, String sha) {
        return new PullRequestOpened(task.repository(), pull.number(), pull.url(), branch, sha);
    }

    private String token(TenantId tenant, SessionId session, GithubTask task) {
        if (!SecretName.isValid(task.credential())) {
            throw new GithubException("the session's GitHub credential is not a secret name", 0);
        }
        SecretValue secret;
        try {
            secret = secrets.reveal(tenant.value(), SecretName.parse(task.credential()), "brain:github session "
                    + session.value());
        } catch (SecretNotFoundException e) {
            throw new GithubException("the GitHub credential secret " + task.credential() + " does not exist", 0);
        }
        try {
            return github.token(GithubCredentials.parse(secret.plaintext()));
        } catch (IllegalArgumentException e) {
            throw new GithubException("the GitHub credential secret " + task.credential() + " is unusable: "
                    + e.getMessage(), 0);
        } finally {
            secret.destroy();
        }
    }
}
