package dev.opencomputer.server.secrets;

import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.server.agents.CredentialCheck;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.session.TenantId;
import org.springframework.stereotype.Component;

/** Refuses an agent whose credential names a secret its tenant does not have. */
@Component
class SecretCredentialCheck implements CredentialCheck {

    private final SecretStore secrets;

    SecretCredentialCheck(SecretStore secrets) {
        this.secrets = secrets;
    }

    @Override
    public void requireExists(TenantId tenant, String secretName) {
        if (!SecretName.isValid(secretName)) {
            throw new RequestInvalidException("credential", "must be the name of a secret");
        }
        if (secrets.find(tenant.value(), SecretName.parse(secretName)).isEmpty()) {
            throw new UnknownSecretException(secretName);
        }
    }
}
