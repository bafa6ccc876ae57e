package dev.opencomputer.server.secrets;

/** An agent's {@code credential} names a secret that the tenant does not have. */
public class UnknownSecretException extends RuntimeException {

    private final String secretName;

    public UnknownSecretException(String secretName) {
        super("the credential names the secret '" + secretName + "', which this tenant does not have; "
                + "create it first with PUT /v1/secrets/" + secretName);
        this.secretName = secretName;
    }

    /** The name the credential gave. */
    public String secretName() {
        return secretName;
    }
}
