package dev.opencomputer.secrets;

/** A secret value that cannot be stored (empty or too large); the message never contains the value. */
public final class InvalidSecretValueException extends IllegalArgumentException {

    public InvalidSecretValueException(String reason) {
        super(reason);
    }
}
