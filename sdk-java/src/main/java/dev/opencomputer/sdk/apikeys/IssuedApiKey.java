package dev.opencomputer.sdk.apikeys;

import java.time.Instant;

/**
 * A freshly issued API key. {@link #key()} is the only copy there will ever be: the server keeps
 * just a hash. {@link #toString()} leaves the key out so that it does not end up in logs.
 */
public record IssuedApiKey(String id, String name, String prefix, String key, Instant createdAt) {

    @Override
    public String toString() {
        return "IssuedApiKey[id=" + id + ", name=" + name + ", prefix=" + prefix + ", key=…, createdAt="
                + createdAt + "]";
    }
}
