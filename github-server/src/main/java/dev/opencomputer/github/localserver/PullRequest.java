package dev.opencomputer.github.localserver;

/** A pull request opened on the local GitHub. */
public record PullRequest(String repository, int number, String title, String body, String head, String base,
        String headSha, String url) {
}
