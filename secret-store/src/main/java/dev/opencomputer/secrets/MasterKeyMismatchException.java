package dev.opencomputer.secrets;

/**
 * A configured master key version is not the key this database knows under that version: its
 * stored key check does not verify, or it cannot unwrap the data keys stored with it. Starting
 * would make every such secret unreadable, so the store refuses.
 */
public final class MasterKeyMismatchException extends MasterKeyException {

    private final int version;

    public MasterKeyMismatchException(int version, String message) {
        super(message);
        this.version = version;
    }

    /** The master key version that does not match. */
    public int version() {
        return version;
    }
}
