package dev.opencomputer.brain;

import dev.opencomputer.secrets.SecretDecryptionException;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.session.SessionId;

/**
 * The agent's model key, revealed from the secret store for one call at a time (audited as
 * {@code brain:<worker> session <id>}): the plaintext is wiped from every array it passed through,
 * and the caller closes the key as soon as the call started.
 */
final class ModelCredentials {

    /** A model call that cannot be made with the agent's credential: the run fails with {@code reason}. */
    static final class Problem extends Exception {
        private final String reason;

        Problem(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    private final SecretStore secrets;
    private final String workerId;

    ModelCredentials(SecretStore secrets, String workerId) {
        this.secrets = secrets;
        this.workerId = workerId;
    }

    /** The key of {@code setup}'s agent, trimmed; the caller closes it. */
    ApiKey reveal(SessionSetup setup, SessionId session) throws Problem {
        SecretName name = setup.agent().credential();
        if (name == null) {
            throw new Problem("model_credential_missing", "the agent names no credential; set the "
                    + "agent's credential to the name of a secret holding the model key, then send a message");
        }
        SecretValue secret;
        try {
            secret = secrets.reveal(setup.tenant().value(), name, "brain:" + workerId + " session " + session);
        } catch (SecretNotFoundException e) {
            throw new Problem("model_credential_missing", "the tenant has no secret named " + name
                    + " (the agent's credential); create it, then send a message");
        } catch (SecretDecryptionException e) {
            throw new Problem("model_credential_unreadable", "the secret " + name
                    + " cannot be decrypted with the configured master keys; store it again, then send a message");
        }
        ApiKey key = ApiKey.fromSecret(secret);
        if (key == null) {
            throw new Problem("model_credential_missing", "the secret " + name + " is blank");
        }
        return key;
    }
}
