package dev.opencomputer.server.sessions;

import java.util.Map;

/**
 * The body of {@code POST /v1/sessions}.
 *
 * @param agent    the agent to run, by id or by name; its current version is pinned
 * @param input    the first user message
 * @param metadata the caller's labels, shown with the session
 */
public record StartSession(String agent, String input, Map<String, String> metadata) {
}
