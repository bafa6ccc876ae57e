package dev.opencomputer.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A tenant's webhook endpoint (never with its secret).
 *
 * @param events         the filter's patterns, or null for every type
 * @param disabledReason why it is disabled (by its owner, a 410, or failing too long); null when enabled
 */
public record WebhookEndpoint(String id, String tenantId, String url, List<String> events, String description,
        Map<String, Object> metadata, boolean disabled, String disabledReason, Instant disabledAt,
        Instant failingSince, Instant createdAt, Instant updatedAt) {

    /** The prefix of endpoint ids. */
    public static final String ID_PREFIX = "we";

    public EventFilter filter() {
        return new EventFilter(events);
    }
}
