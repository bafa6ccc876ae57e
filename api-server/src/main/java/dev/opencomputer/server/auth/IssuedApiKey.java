package dev.opencomputer.server.auth;

import java.time.Instant;

/** A freshly created API key: the only time the full {@code key} is ever shown. */
public record IssuedApiKey(String id, String name, String prefix, String key, Instant createdAt) {
}
