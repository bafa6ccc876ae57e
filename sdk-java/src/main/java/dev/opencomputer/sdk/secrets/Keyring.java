package dev.opencomputer.sdk.secrets;

import java.util.Map;
import java.util.SortedSet;

/**
 * The server's master keyring as configured — never key material.
 *
 * @param activeKeyVersion    the version that wraps new secrets and that a rewrap moves secrets to
 * @param configuredVersions  every version the server can unwrap with
 * @param secretsByKeyVersion how many secrets each version wraps now
 */
public record Keyring(int activeKeyVersion, SortedSet<Integer> configuredVersions,
        Map<Integer, Long> secretsByKeyVersion) {
}
