package dev.opencomputer.sdk.secrets;

import java.time.Instant;

/**
 * A secret as the API shows it: its name and version, never its value.
 *
 * @param version 1 when created, one more every time its value is replaced
 */
public record Secret(String name, int version, Instant createdAt, Instant updatedAt) {
}
