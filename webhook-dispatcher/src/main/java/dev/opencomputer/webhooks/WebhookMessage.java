package dev.opencomputer.webhooks;

import java.time.Instant;
import java.util.List;

/**
 * One message to one endpoint about one event (or a test): the {@code webhook-id} is {@link #id()},
 * the same on every attempt and replay.
 *
 * @param body      the JSON body, the same on every attempt
 * @param attempts  the attempts so far, oldest first (empty in lists)
 */
public record WebhookMessage(String id, String endpointId, String tenantId, String eventType, String sessionId,
        Long eventSeq, String body, MessageStatus status, int attemptCount, Instant nextAttemptAt,
        Instant createdAt, Instant deliveredAt, Instant failedAt, List<DeliveryAttempt> attempts) {

    public static final String ID_PREFIX = "msg";
    /** The type of the message {@code POST /v1/webhook-endpoints/{id}/test} sends. */
    public static final String TEST_TYPE = "webhook.test";
    /** Never delivered: every delivery logs one. */
    public static final String NEVER_SENT = dev.opencomputer.session.WebhookSent.TYPE;
}
