package dev.opencomputer.server.auth;

import java.time.Instant;

/** An API key as it may be listed: never the key itself, only its public prefix. */
public record ApiKey(String id, String name, String prefix, Instant createdAt, Instant lastUsedAt,
        Instant revokedAt) {
}
