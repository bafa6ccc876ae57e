package dev.opencomputer.server.sessions;

/** The body of {@code POST /v1/sessions/{id}/messages}: what the user says. */
public record PostMessage(String text) {
}
