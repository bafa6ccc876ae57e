package dev.opencomputer.server.problems;

/** An inbound hook's signature is missing, malformed or does not match the body. */
public class SignatureInvalidException extends RuntimeException {

    public SignatureInvalidException(String message) {
        super(message);
    }
}
