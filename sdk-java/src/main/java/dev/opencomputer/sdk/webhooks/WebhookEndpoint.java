package dev.opencomputer.sdk.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A webhook endpoint. {@code secret} ({@code whsec_…}) is present only in the answer to
 * {@link Webhooks#create} and {@link Webhooks#rotateSecret} — keep it then; it is never shown again.
 *
 * @param events the event types or prefixes ({@code session.*}) it receives; null for every type
 */
public record WebhookEndpoint(String id, String url, List<String> events, String description,
        Map<String, Object> metadata, boolean disabled, String disabledReason, Instant disabledAt, Instant createdAt,
        Instant updatedAt, String secret) {

    @Override
    public String toString() {
        return "WebhookEndpoint[id=" + id + ", url=" + url + ", disabled=" + disabled + "]";
    }
}
