package dev.opencomputer.secrets;

/**
 * The master keyring is unusable, so the secret store must not start. Every message begins with
 * {@value #PREFIX} and says what to do; the texts are listed in {@code docs/operations.md}.
 * Never carries key material.
 */
public abstract sealed class MasterKeyException extends RuntimeException
        permits InvalidMasterKeyException, MasterKeyMissingException, MasterKeyMismatchException {

    /** The start of every message, so operators can search logs for it. */
    public static final String PREFIX = "Secret store master key: ";

    protected MasterKeyException(String message) {
        super(PREFIX + message);
    }
}
