package dev.opencomputer.github.localserver;

/** A comment written on an issue of the local GitHub. */
public record IssueComment(String repository, int issue, long id, String body) {
}
