package dev.opencomputer.sdk.sse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * Decodes events whose data is JSON by their SSE event type: each registered type maps to a class
 * the data is read into; any other type — or data that does not fit its class — becomes the
 * fallback element built from a {@link GenericEvent}. Never throws. Immutable and thread-safe.
 *
 * @param <T> the element type, typically a sealed interface with a generic variant
 */
public final class JsonEventDecoder<T> implements EventDecoder<T> {

    private final JsonMapper json;
    private final Map<String, Class<? extends T>> types;
    private final Function<GenericEvent, ? extends T> fallback;

    private JsonEventDecoder(JsonMapper json, Map<String, Class<? extends T>> types,
            Function<GenericEvent, ? extends T> fallback) {
        this.json = json;
        this.types = Map.copyOf(types);
        this.fallback = fallback;
    }

    /** Starts a decoder whose unknown events become {@code fallback.apply(genericEvent)}. */
    public static <T> Builder<T> builder(JsonMapper json, Function<GenericEvent, ? extends T> fallback) {
        return new Builder<>(json, fallback);
    }

    /** A decoder that yields every event as a {@link GenericEvent}. */
    public static JsonEventDecoder<GenericEvent> generic(JsonMapper json) {
        return new JsonEventDecoder<>(json, Map.of(), e -> e);
    }

    @Override
    public T decode(ServerSentEvent event) {
        JsonNode data;
        try {
            data = json.readTree(event.data());
        } catch (JacksonException e) {
            data = null;
        }
        if (data == null || data.isMissingNode()) {
            data = StringNode.valueOf(event.data());
        }
        Class<? extends T> type = types.get(event.event());
        if (type != null && !data.isString()) {
            try {
                return json.treeToValue(data, type);
            } catch (JacksonException | IllegalArgumentException e) {
                // Data that does not fit the known shape is kept raw rather than lost or fatal.
            }
        }
        return fallback.apply(new GenericEvent(event.id(), event.event(), data));
    }

    /** Registers event types; not thread-safe. */
    public static final class Builder<T> {
        private final JsonMapper json;
        private final Function<GenericEvent, ? extends T> fallback;
        private final Map<String, Class<? extends T>> types = new LinkedHashMap<>();

        private Builder(JsonMapper json, Function<GenericEvent, ? extends T> fallback) {
            this.json = Objects.requireNonNull(json, "json");
            this.fallback = Objects.requireNonNull(fallback, "fallback");
        }

        /** Events of SSE type {@code type} are read into {@code as}. */
        public Builder<T> type(String type, Class<? extends T> as) {
            types.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(as, "as"));
            return this;
        }

        public JsonEventDecoder<T> build() {
            return new JsonEventDecoder<>(json, types, fallback);
        }
    }
}
