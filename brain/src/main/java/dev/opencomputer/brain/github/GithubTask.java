package dev.opencomputer.brain.github;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The GitHub side of a session, read from its metadata: which repository to check out, the issue it
 * works on, the credential secret for the token, and where its pull request's branch goes. Sessions
 * started by a GitHub trigger carry these keys; any session may set them itself.
 *
 * @param repository   {@code github.repository}: {@code owner/name}
 * @param issue        {@code github.issue}: the issue number (0 when the session has none)
 * @param ref          {@code github.ref}: the branch to check out and open the pull request into (null = default)
 * @param credential   {@code github.credential}: the secret holding a token or GitHub App credentials
 * @param branchPrefix {@code github.branch-prefix}: the pull request branch's prefix
 */
public record GithubTask(String repository, long issue, String ref, String credential, String branchPrefix) {

    public static final String REPOSITORY = "github.repository";
    public static final String ISSUE = "github.issue";
    public static final String REF = "github.ref";
    public static final String CREDENTIAL = "github.credential";
    public static final String BRANCH_PREFIX = "github.branch-prefix";
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,100}");

    /** The session's GitHub task, when its metadata names a repository and a credential. */
    public static Optional<GithubTask> of(Map<String, String> metadata) {
        String repository = metadata.get(REPOSITORY);
        String credential = metadata.get(CREDENTIAL);
        if (repository == null || credential == null || !REPO.matcher(repository).matches()) {
            return Optional.empty();
        }
        long issue;
        try {
            issue = Long.parseLong(metadata.getOrDefault(ISSUE, "0"));
        } catch (NumberFormatException e) {
            issue = 0;
        }
        String ref = metadata.get(REF);
        String prefix = metadata.getOrDefault(BRANCH_PREFIX, "opencomputer/");
        return Optional.of(new GithubTask(repository, Math.max(0, issue), ref != null && safeBranch(ref) ? ref : null,
                credential, safeBranch(prefix) ? prefix : "opencomputer/"));
    }

    /** The branch a pull request is opened from when the model names none. */
    public String defaultBranch() {
        return branchPrefix + (issue > 0 ? "issue-" + issue : "work");
    }

    /** {@code requested} under the task's prefix, or the default branch when none is requested. */
    public String branch(String requested) {
        if (requested == null || requested.isBlank()) {
            return defaultBranch();
        }
        String branch = requested.startsWith(branchPrefix) ? requested : branchPrefix + requested;
        if (!safeBranch(branch)) {
            throw new IllegalArgumentException("branch must be letters, digits, . _ / - (at most 100), without ..");
        }
        return branch;
    }

    static boolean safeBranch(String branch) {
        return BRANCH.matcher(branch).matches() && !branch.contains("..") && !branch.startsWith("/")
                && !branch.endsWith("/") && !branch.endsWith(".lock");
    }
}
