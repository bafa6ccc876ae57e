package dev.opencomputer.secrets;

import java.util.Objects;

/** The outcome of {@link SecretStore#put}: the secret's new metadata and whether it was newly created. */
public record SecretWritten(SecretMetadata secret, boolean created) {

    public SecretWritten {
        Objects.requireNonNull(secret, "secret");
    }
}
