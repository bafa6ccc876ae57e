package dev.opencomputer.server.webhooks;

import dev.opencomputer.webhooks.DeliveryAttempt;
import dev.opencomputer.webhooks.WebhookMessage;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A message as the API shows it: the body it sends ({@code payload}) and, when asked for one message, its attempts. */
record MessageView(String id, String endpointId, String eventType, String sessionId, Long eventSeq, String status,
        int attemptCount, Instant nextAttemptAt, Instant createdAt, Instant deliveredAt, Instant failedAt,
        JsonNode payload, List<AttemptView> attempts) {

    record AttemptView(int attempt, Instant startedAt, long durationMs, Integer statusCode, String response,
            String error) {

        static AttemptView of(DeliveryAttempt a) {
            return new AttemptView(a.attempt(), a.startedAt(), a.durationMillis(), a.statusCode(), a.response(),
                    a.error());
        }
    }

    static MessageView of(WebhookMessage m, JsonMapper json, boolean withAttempts) {
        return new MessageView(m.id(), m.endpointId(), m.eventType(), m.sessionId(), m.eventSeq(),
                m.status().wireName(), m.attemptCount(), "pending".equals(m.status().wireName()) ? m.nextAttemptAt() : null,
                m.createdAt(), m.deliveredAt(), m.failedAt(), json.readTree(m.body()),
                withAttempts ? m.attempts().stream().map(AttemptView::of).toList() : null);
    }
}
