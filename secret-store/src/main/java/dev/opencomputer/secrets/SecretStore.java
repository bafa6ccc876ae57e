package dev.opencomputer.secrets;

import java.util.List;
import java.util.Optional;

/**
 * The tenant secrets: written and listed by the API, revealed in-process to the brain just before
 * a model call. Every method is scoped to one tenant; another tenant's secret behaves exactly
 * like a missing one. Values are encrypted (AES-256-GCM envelopes) before they leave the process
 * and come back only through {@link #reveal}, which leaves an audit record.
 *
 * <p>Implementations are thread-safe. Every operation first makes sure the configured master
 * keyring matches the store ({@link #verifyKeyring()}), so a wrong key is never used to write.
 */
public interface SecretStore {

    /**
     * Creates the secret, or replaces its value (its version grows by one, its creation time stays).
     *
     * @throws InvalidSecretValueException when the value is larger than the configured limit
     */
    SecretWritten put(String tenant, SecretName name, SecretValue value);

    /** The metadata of one secret, if the tenant has it. */
    Optional<SecretMetadata> find(String tenant, SecretName name);

    /**
     * The tenant's secrets ordered by name, starting after {@code after} ({@code null} for the
     * first page), at most {@code limit} of them.
     */
    List<SecretMetadata> list(String tenant, SecretName after, int limit);

    /** Deletes the secret; {@code false} when the tenant had no such secret. */
    boolean delete(String tenant, SecretName name);

    /**
     * Decrypts a secret for immediate in-process use and records who asked, for which secret and
     * when (never the value). The only way to a plaintext; never expose what it returns.
     *
     * @param who the caller, for the audit trail, e.g. {@code brain:<worker> session <id>}
     * @throws SecretNotFoundException   when the tenant has no such secret (the attempt is audited)
     * @throws SecretDecryptionException when the stored secret does not decrypt (the attempt is audited)
     */
    SecretValue reveal(String tenant, SecretName name, String who);

    /**
     * Deletes reveal audit rows older than the configured retention
     * ({@code opencomputer.secrets.reveal-retention}), at most {@code batch} of them; returns how
     * many. Safe to call from several replicas at once.
     */
    default int pruneReveals(int batch) {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no reveal audit to prune");
    }

    /**
     * Proves that the configured keyring fits the stored data, and registers a key check for any
     * version seen for the first time. Called at start-up; idempotent and safe across replicas.
     *
     * @throws MasterKeyMismatchException when a configured version is not the key stored data was made with
     * @throws MasterKeyMissingException  when stored secrets use a version the keyring lacks
     */
    KeyringStatus verifyKeyring();

    /**
     * Re-wraps every secret's data key with the active master key version (values are not
     * re-encrypted). Afterwards, a version that {@link RewrapReport#secretsByKeyVersion()} no
     * longer lists may be retired from the keyring. Safe to run while the store is in use and to
     * run again.
     */
    RewrapReport rewrap();
}
