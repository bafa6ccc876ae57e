package dev.opencomputer.server.auth;

/** The request carries no credential where one is required. */
public class CredentialMissingException extends RuntimeException {

    public CredentialMissingException() {
        super("send an API key as 'Authorization: Bearer oc_…'");
    }
}
