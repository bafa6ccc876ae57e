package dev.opencomputer.server.agents;

import dev.opencomputer.session.TenantId;

/**
 * Confirms that the secret an agent names as its credential exists for the tenant; throws a
 * validation problem when it does not. Implemented by the secret store's API package.
 */
public interface CredentialCheck {

    void requireExists(TenantId tenant, String secretName);
}
