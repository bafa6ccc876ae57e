package dev.opencomputer.secrets;

/** The master key configuration cannot be parsed (bad format, wrong key length, duplicate or unknown version). */
public final class InvalidMasterKeyException extends MasterKeyException {

    public InvalidMasterKeyException(String message) {
        super(message);
    }
}
