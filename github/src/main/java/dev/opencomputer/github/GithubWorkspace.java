package dev.opencomputer.github;

import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.Termination;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.session.SandboxId;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A repository's checkout in a session's sandbox, made and pushed by the brain. The network side
 * (clone, push) runs here with the token ({@link GitTransfer}); the sandbox only ever sees git
 * bundles and runs plain {@code git} on them, so its checkout has no credential, no token-bearing
 * remote and no credential helper. The sandbox image needs {@code git}.
 */
public final class GithubWorkspace {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    private static final String SCRATCH = ".opencomputer";
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(2);

    /** Where a repository is checked out, e.g. {@code /workspace/app}. */
    public record Checkout(String repository, String directory, String branch, boolean fresh) {
    }

    private final SandboxDriver sandboxes;
    private final GithubClient github;

    public GithubWorkspace(SandboxDriver sandboxes, GithubClient github) {
        this.sandboxes = sandboxes;
        this.github = github;
    }

    /** The directory {@code owner/name} is checked out in: {@code /workspace/name}. */
    public static String directory(String repository) {
        return WorkspacePath.ROOT + "/" + repository.substring(repository.indexOf('/') + 1);
    }

    /**
     * Checks {@code ref} (the default branch when {@code null}) of the repository out in the sandbox,
     * unless a checkout is already there (a resumed run, a woken session): then it is left as the
     * agent left it.
     */
    public Checkout checkout(SandboxId sandbox, String repository, String ref, String token) {
        require(repository);
        String directory = directory(repository);
        if (run(sandbox, "test -d '" + directory + "/.git'").exitCode() == 0) {
            return new Checkout(repository, directory, ref, false);
        }
        String branch = ref == null ? github.defaultBranch(repository, token) : ref;
        require(branch);
        byte[] bundle = GitTransfer.cloneAsBundle(github.cloneUrl(repository), branch, token);
        String bundlePath = WorkspacePath.ROOT + "/" + SCRATCH + "/checkout.bundle";
        sandboxes.writeFile(sandbox, WorkspacePath.parse(SCRATCH + "/checkout.bundle"), bundle);
        ExecResult cloned = run(sandbox, String.join(" && ",
                "git clone -q --branch '" + branch + "' '" + bundlePath + "' '" + directory + "'",
                "cd '" + directory + "'",
                "git remote set-url origin '" + github.cloneUrl(repository) + "'",
                "git config user.name 'OpenComputer agent'",
                "git config user.email 'agent@opencomputer.invalid'")
                + "; status=$?; rm -f '" + bundlePath + "'; exit $status");
        if (cloned.exitCode() != 0) {
            throw new GithubException("git in the sandbox could not check out " + repository + " (exit "
                    + cloned.exitCode() + "): " + clip(cloned.stderr().text()), 0);
        }
        return new Checkout(repository, directory, branch, true);
    }

    /**
     * Pushes the checkout's {@code HEAD} to {@code branch} on GitHub and returns its commit id.
     *
     * @throws GithubException when there is no checkout, nothing is committed, or GitHub refuses
     */
    public String pushHead(SandboxId sandbox, String repository, String branch, String token) {
        require(repository);
        require(branch);
        String directory = directory(repository);
        String bundlePath = WorkspacePath.ROOT + "/" + SCRATCH + "/push.bundle";
        ExecResult bundled = run(sandbox, "mkdir -p '" + WorkspacePath.ROOT + "/" + SCRATCH + "' && cd '" + directory
                + "' && git bundle create -q '" + bundlePath + "' HEAD");
        if (bundled.exitCode() != 0) {
            throw new GithubException("there is no commit to push in " + directory + " (git bundle exit "
                    + bundled.exitCode() + "): " + clip(bundled.stderr().text()), 0);
        }
        try {
            byte[] bundle = sandboxes.readFile(sandbox, WorkspacePath.parse(SCRATCH + "/push.bundle"));
            return GitTransfer.pushBundle(bundle, github.cloneUrl(repository), branch, token);
        } finally {
            run(sandbox, "rm -f '" + bundlePath + "'");
        }
    }

    /** The commit the checkout's {@code HEAD} is on, or the commit a local branch points at. */
    public String revision(SandboxId sandbox, String repository, String revision) {
        require(revision);
        ExecResult result = run(sandbox, "cd '" + directory(repository) + "' && git rev-parse --verify -q '"
                + revision + "^{commit}'");
        return result.exitCode() == 0 ? result.stdout().text().strip() : null;
    }

    private ExecResult run(SandboxId sandbox, String script) {
        ExecResult result = sandboxes.run(sandbox, ExecRequest.shell(script).withTimeout(GIT_TIMEOUT));
        if (result.termination() != Termination.EXITED) {
            throw new GithubException("git in the sandbox did not finish (" + result.termination() + ")", 0);
        }
        return result;
    }

    private static void require(String value) {
        if (value == null || !SAFE.matcher(value).matches() || value.contains("..") || value.contains("'")) {
            throw new IllegalArgumentException("not a safe repository or branch name: " + value);
        }
    }

    private static String clip(String text) {
        String stripped = text.strip();
        return stripped.length() <= 500 ? stripped : stripped.substring(stripped.length() - 500);
    }
}
