package dev.opencomputer.secrets;

/**
 * No master key is configured, or stored secrets are wrapped with a master key version that the
 * configured keyring does not contain (a version was retired before every secret was re-wrapped).
 */
public final class MasterKeyMissingException extends MasterKeyException {

    public MasterKeyMissingException(String message) {
        super(message);
    }
}
