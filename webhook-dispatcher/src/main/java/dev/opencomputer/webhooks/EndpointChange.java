package dev.opencomputer.webhooks;

import java.util.Map;
import java.util.Optional;

/**
 * A partial update of an endpoint: absent fields stay as they are; {@code events} present with a
 * null filter list means every type again.
 */
public record EndpointChange(Optional<String> url, Optional<EventFilter> events, Optional<String> description,
        Optional<Map<String, Object>> metadata, Optional<Boolean> disabled) {
}
