package dev.opencomputer.sdk.apikeys;

import java.time.Instant;

/**
 * An API key as it may be listed: never the key itself, only its public prefix.
 *
 * @param lastUsedAt when it last authenticated a request (updated at most every 30 seconds), or null
 * @param revokedAt  when it was revoked, or null while it is valid
 */
public record ApiKey(String id, String name, String prefix, Instant createdAt, Instant lastUsedAt,
        Instant revokedAt) {

    /** Whether the key still authenticates requests. */
    public boolean isActive() {
        return revokedAt == null;
    }
}
