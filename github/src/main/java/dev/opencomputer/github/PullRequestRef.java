package dev.opencomputer.github;

/** A pull request as GitHub reports it. */
public record PullRequestRef(int number, String url, String branch, String headSha) {
}
