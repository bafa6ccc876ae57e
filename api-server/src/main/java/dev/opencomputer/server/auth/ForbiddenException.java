package dev.opencomputer.server.auth;

/** The credential is valid but does not allow this request. */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(String message) {
        super(message);
    }
}
