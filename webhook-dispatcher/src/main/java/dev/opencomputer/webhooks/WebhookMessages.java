package dev.opencomputer.webhooks;

import java.time.Instant;
import java.util.List;

/**
 * The messages of a tenant's endpoints, their attempts, and replay. Scoped to one tenant like
 * {@link WebhookEndpoints}. Thread-safe.
 */
public interface WebhookMessages {

    /**
     * Messages of one endpoint, newest first, optionally of one status, with ids below
     * {@code beforeId} (null: from the newest). Attempts are left out.
     */
    List<WebhookMessage> list(String tenant, String endpointId, MessageStatus status, String beforeId, int limit);

    /** One message with every attempt. */
    WebhookMessage find(String tenant, String messageId);

    /**
     * Queues the message for one more attempt now, with the same {@code webhook-id} and body.
     *
     * @throws EndpointDisabledException when its endpoint is disabled
     */
    WebhookMessage retry(String tenant, String messageId);

    /**
     * Queues every failed message of the endpoint created at or after {@code since} for another
     * attempt now; returns how many.
     *
     * @throws EndpointDisabledException when the endpoint is disabled
     */
    int recover(String tenant, String endpointId, Instant since);

    /** Sends a {@code webhook.test} message to the endpoint now and returns that first attempt. */
    SentTest test(String tenant, String endpointId);

    /** The test message and its first attempt. */
    record SentTest(WebhookMessage message, DeliveryAttempt attempt) {
    }
}
