package dev.opencomputer.server.auth;

import java.time.Instant;

/**
 * A freshly created API key: the only time the full {@code key} is ever shown. An idempotent
 * replay of the request that issued it answers {@link #withoutKey()}: the key itself is never stored.
 */
public record IssuedApiKey(String id, String name, String prefix, String key, Instant createdAt) {

    /** The same without the key: what is stored for, and answered by, an idempotent replay. */
    public IssuedApiKey withoutKey() {
        return new IssuedApiKey(id, name, prefix, null, createdAt);
    }

    @Override
    public String toString() {
        return "IssuedApiKey[id=" + id + ", prefix=" + prefix + "]";
    }
}
