package dev.opencomputer.sdk.webhooks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of an endpoint to create ({@link Webhooks#create}) or change ({@link Webhooks#update}):
 * only the fields set are sent. Immutable; each {@code with…} returns a copy.
 */
public final class EndpointRequest {

    private final Map<String, Object> fields;

    private EndpointRequest(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** An endpoint at {@code url} receiving every event type. */
    public static EndpointRequest url(String url) {
        return new EndpointRequest(Map.of()).with("url", url);
    }

    /** A change that sets nothing yet. */
    public static EndpointRequest change() {
        return new EndpointRequest(Map.of());
    }

    public EndpointRequest withUrl(String url) {
        return with("url", url);
    }

    /** Event types or prefixes with a wildcard ({@code session.*}); null = every type. */
    public EndpointRequest withEvents(List<String> events) {
        return with("events", events);
    }

    public EndpointRequest withDescription(String description) {
        return with("description", description);
    }

    public EndpointRequest withMetadata(Map<String, Object> metadata) {
        return with("metadata", metadata);
    }

    /** Disables ({@code true}) or re-enables ({@code false}) the endpoint. */
    public EndpointRequest withDisabled(boolean disabled) {
        return with("disabled", disabled);
    }

    private EndpointRequest with(String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(name, value);
        return new EndpointRequest(copy);
    }

    /** The JSON object sent (null values included: they clear a field). */
    public Map<String, Object> toJson() {
        return java.util.Collections.unmodifiableMap(fields);
    }
}
