package dev.opencomputer.secrets;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The result of {@link SecretStore#verifyKeyring()}.
 *
 * @param activeVersion       the version new writes use
 * @param configuredVersions  every version in the keyring
 * @param registeredVersions  versions whose key check was stored just now (first use)
 * @param secretsByKeyVersion how many secrets each master key version currently wraps
 */
public record KeyringStatus(
        int activeVersion,
        SortedSet<Integer> configuredVersions,
        SortedSet<Integer> registeredVersions,
        Map<Integer, Long> secretsByKeyVersion) {

    public KeyringStatus {
        configuredVersions = Collections.unmodifiableSortedSet(new TreeSet<>(configuredVersions));
        registeredVersions = Collections.unmodifiableSortedSet(new TreeSet<>(registeredVersions));
        secretsByKeyVersion = Map.copyOf(Objects.requireNonNull(secretsByKeyVersion, "secretsByKeyVersion"));
    }
}
