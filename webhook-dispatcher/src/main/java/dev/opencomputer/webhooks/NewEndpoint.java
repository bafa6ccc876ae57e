package dev.opencomputer.webhooks;

import java.util.Map;

/** What a tenant asks for when creating an endpoint; {@code filter} already checked. */
public record NewEndpoint(String url, EventFilter filter, String description, Map<String, Object> metadata) {

    public NewEndpoint {
        metadata = metadata == null ? Map.of() : metadata;
        filter = filter == null ? EventFilter.ALL : filter;
    }
}
