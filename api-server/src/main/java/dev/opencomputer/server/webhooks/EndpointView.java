package dev.opencomputer.server.webhooks;

import dev.opencomputer.webhooks.CreatedEndpoint;
import dev.opencomputer.webhooks.WebhookEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An endpoint as the API shows it; {@code secret} only in the answer that created it (or rotated
 * its secret), never stored by the idempotency layer.
 */
record EndpointView(String id, String url, List<String> events, String description, Map<String, Object> metadata,
        boolean disabled, String disabledReason, Instant disabledAt, Instant createdAt, Instant updatedAt,
        String secret) {

    static EndpointView of(WebhookEndpoint e) {
        return new EndpointView(e.id(), e.url(), e.events(), e.description(), e.metadata(), e.disabled(),
                e.disabledReason(), e.disabledAt(), e.createdAt(), e.updatedAt(), null);
    }

    static EndpointView of(CreatedEndpoint created) {
        EndpointView view = of(created.endpoint());
        return new EndpointView(view.id, view.url, view.events, view.description, view.metadata, view.disabled,
                view.disabledReason, view.disabledAt, view.createdAt, view.updatedAt, created.secret().reveal());
    }

    /** The same without the secret: what an idempotent replay answers. */
    static Object withoutSecret(Object body) {
        if (body instanceof EndpointView view) {
            return new EndpointView(view.id, view.url, view.events, view.description, view.metadata, view.disabled,
                    view.disabledReason, view.disabledAt, view.createdAt, view.updatedAt, null);
        }
        return body;
    }

    @Override
    public String toString() {
        return "EndpointView[id=" + id + ", url=" + url + "]";
    }
}
