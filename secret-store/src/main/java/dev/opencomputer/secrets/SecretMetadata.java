package dev.opencomputer.secrets;

import java.time.Instant;
import java.util.Objects;

/**
 * What may be shown about a stored secret: its name, how many times it was written
 * ({@code version} starts at 1 and grows by one on every replace) and when. Never the value.
 */
public record SecretMetadata(SecretName name, int version, Instant createdAt, Instant updatedAt) {

    public SecretMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
    }
}
