package dev.opencomputer.server.auth;

/** The credential is unknown, malformed, revoked or expired; which one is never revealed. */
public class AuthenticationFailedException extends RuntimeException {

    public AuthenticationFailedException() {
        super("the credential is not valid");
    }
}
