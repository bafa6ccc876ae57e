package dev.opencomputer.server.secrets;

import dev.opencomputer.secrets.SecretMetadata;
import java.time.Instant;

/**
 * A secret as the API shows it: never its value.
 *
 * @param version 1 when created, one more on every replace
 */
public record SecretResponse(String name, int version, Instant createdAt, Instant updatedAt) {

    static SecretResponse of(SecretMetadata metadata) {
        return new SecretResponse(metadata.name().value(), metadata.version(), metadata.createdAt(), metadata.updatedAt());
    }
}
