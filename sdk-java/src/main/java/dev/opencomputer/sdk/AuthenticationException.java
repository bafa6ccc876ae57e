package dev.opencomputer.sdk;

/** 401: no credential, or an unknown, malformed or revoked one. The server never says which. */
public class AuthenticationException extends ApiException {

    public AuthenticationException(Problem problem, String requestId) {
        super(problem, requestId);
    }
}
