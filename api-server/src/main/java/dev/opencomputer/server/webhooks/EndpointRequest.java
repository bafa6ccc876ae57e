package dev.opencomputer.server.webhooks;

import dev.opencomputer.server.http.RequestBodies;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.webhooks.EndpointChange;
import dev.opencomputer.webhooks.EventFilter;
import dev.opencomputer.webhooks.NewEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The body of {@code POST /v1/webhook-endpoints}: {@code {url, events?, description?, metadata?}}. */
// Read-only fields of GET /v1/webhooks/endpoints/{id}, ignored when a client sends them back.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties({"id", "disabledReason", "disabledAt", "createdAt", "updatedAt"})
record EndpointRequest(String url, List<String> events, String description, Map<String, Object> metadata) {

    static final int MAX_DESCRIPTION = 1024;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    NewEndpoint toNewEndpoint() {
        checkDescription(description);
        return new NewEndpoint(url, EventFilter.parse(events), description, metadata);
    }

    private static void checkDescription(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw new RequestInvalidException("description", "must be at most " + MAX_DESCRIPTION + " characters");
        }
    }

    /** A merge patch: {@code url}, {@code events} (null = every type), {@code description}, {@code metadata}, {@code disabled}. */
    static EndpointChange patch(JsonNode patch, JsonMapper json) {
        if (patch == null || !patch.isObject()) {
            throw new RequestInvalidException("", "the body must be a JSON object");
        }
        RequestBodies.requireOnly(patch, "", List.of("url", "events", "description", "metadata", "disabled"),
                List.of("id", "disabledReason", "disabledAt", "createdAt", "updatedAt"));
        Optional<String> url = Optional.empty();
        Optional<EventFilter> events = Optional.empty();
        Optional<String> description = Optional.empty();
        Optional<Map<String, Object>> metadata = Optional.empty();
        Optional<Boolean> disabled = Optional.empty();
        if (patch.has("url")) {
            if (!patch.get("url").isString()) {
                throw new RequestInvalidException("url", "must be a string");
            }
            url = Optional.of(patch.get("url").asString());
        }
        if (patch.has("events")) {
            JsonNode node = patch.get("events");
            if (node.isNull()) {
                events = Optional.of(EventFilter.ALL);
            } else if (node.isArray()) {
                List<String> types = new ArrayList<>();
                for (JsonNode type : node) {
                    if (!type.isString()) {
                        throw new RequestInvalidException("events", "must be a list of event types");
                    }
                    types.add(type.asString());
                }
                events = Optional.of(EventFilter.parse(types));
            } else {
                throw new RequestInvalidException("events", "must be a list of event types or null");
            }
        }
        if (patch.has("description")) {
            JsonNode node = patch.get("description");
            if (!node.isNull() && !node.isString()) {
                throw new RequestInvalidException("description", "must be a string");
            }
            String text = node.isNull() ? null : node.asString();
            checkDescription(text);
            description = Optional.ofNullable(text).or(() -> Optional.of(""));
        }
        if (patch.has("metadata")) {
            JsonNode node = patch.get("metadata");
            if (!node.isNull() && !node.isObject()) {
                throw new RequestInvalidException("metadata", "must be an object");
            }
            metadata = Optional.of(node.isNull() ? Map.of() : json.convertValue(node, MAP));
        }
        if (patch.has("disabled")) {
            if (!patch.get("disabled").isBoolean()) {
                throw new RequestInvalidException("disabled", "must be true or false");
            }
            disabled = Optional.of(patch.get("disabled").asBoolean());
        }
        return new EndpointChange(url, events, description, metadata, disabled);
    }
}
