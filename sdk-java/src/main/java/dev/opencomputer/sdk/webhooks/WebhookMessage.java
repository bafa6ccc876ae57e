package dev.opencomputer.sdk.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One message to one endpoint; {@code id} is the {@code webhook-id} header, the same on every
 * attempt and replay.
 *
 * @param status   {@code pending}, {@code delivered} or {@code failed} (dead after its last attempt)
 * @param payload  the JSON body it sends
 * @param attempts every attempt, oldest first, when fetched with {@link Webhooks#message}; null in lists
 */
public record WebhookMessage(String id, String endpointId, String eventType, String sessionId, Long eventSeq,
        String status, int attemptCount, Instant nextAttemptAt, Instant createdAt, Instant deliveredAt,
        Instant failedAt, Map<String, Object> payload, List<WebhookAttempt> attempts) {
}
