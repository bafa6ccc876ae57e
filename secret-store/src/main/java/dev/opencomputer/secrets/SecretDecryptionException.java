package dev.opencomputer.secrets;

/**
 * A stored secret could not be decrypted: its ciphertext or wrapped data key was altered or
 * copied from another row or tenant, or the master key version it names is not in the keyring.
 * The secret is unusable until it is written again; the message names the secret, never a value.
 */
public final class SecretDecryptionException extends RuntimeException {

    private final String tenant;
    private final SecretName name;

    public SecretDecryptionException(String tenant, SecretName name, String reason) {
        super("cannot decrypt secret '" + name + "' of tenant " + tenant + ": " + reason);
        this.tenant = tenant;
        this.name = name;
    }

    public String tenant() {
        return tenant;
    }

    public SecretName name() {
        return name;
    }
}
