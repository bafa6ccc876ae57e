package dev.opencomputer.webhooks;

import java.util.List;

/**
 * A tenant's webhook endpoints. Every method is scoped to one tenant: another tenant's endpoint
 * is an {@link EndpointNotFoundException} exactly like a missing one. Signing secrets are kept in
 * the secret store, encrypted, and leave this port only inside a {@link CreatedEndpoint}.
 * Thread-safe.
 */
public interface WebhookEndpoints {

    /**
     * Creates an endpoint with a fresh secret.
     *
     * @throws UrlRejectedException            when the SSRF guard refuses the URL
     * @throws EndpointLimitExceededException  when the tenant has {@code maxEndpoints} already
     */
    CreatedEndpoint create(String tenant, NewEndpoint endpoint, int maxEndpoints);

    /** The tenant's endpoints, newest first, with ids below {@code beforeId} (null: from the newest). */
    List<WebhookEndpoint> list(String tenant, String beforeId, int limit);

    WebhookEndpoint find(String tenant, String id);

    /** Applies a change; re-enabling clears the disabled reason and the failing period. */
    WebhookEndpoint update(String tenant, String id, EndpointChange change);

    /** Deletes the endpoint, its messages and its secrets. */
    void delete(String tenant, String id);

    /**
     * A new secret; the previous one keeps signing (a second signature) for the configured overlap.
     */
    CreatedEndpoint rotateSecret(String tenant, String id);
}
