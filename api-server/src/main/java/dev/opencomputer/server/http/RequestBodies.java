package dev.opencomputer.server.http;

import dev.opencomputer.server.problems.UnknownFieldsException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeType;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes request bodies strictly: a field the target record does not have is refused with a 422
 * {@code unknown-field} that names <em>every</em> unknown field by its path, instead of being dropped
 * (a user would otherwise believe a setting took effect). The one place that decides it: every
 * {@code @RequestBody} record goes through {@link StrictDecoder}, merge patches and hand-parsed bodies
 * through {@link #read} and {@link #requireOnly}. Read-only fields a client may send back after a GET
 * are listed with {@code @JsonIgnoreProperties} on the request record and stay ignored; {@code tenantId}
 * is never one of them. Only request decoding is strict: the application's own mapper, which also reads
 * stored JSON, stays lenient.
 */
@Component
public class RequestBodies {

    private static final Object UNKNOWN = new Object();

    private final JsonMapper strict;

    RequestBodies(JsonMapper json) {
        this.strict = json.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .addHandler(new UnknownFieldCollector())
                .build();
    }

    JsonMapper strictMapper() {
        return strict;
    }

    /** The tree as {@code type}, refusing every field of it that {@code type} does not have. */
    public <T> T read(JsonNode tree, Class<T> type) {
        List<String> unknown = new ArrayList<>();
        T value = strict.readerFor(type).withAttribute(UNKNOWN, unknown).readValue(tree);
        refuse(unknown);
        return value;
    }

    /**
     * Refuses the fields of a hand-parsed object that are neither {@code known} nor {@code ignored};
     * {@code prefix} is the object's path in the body ({@code ""} for the body itself).
     */
    public static void requireOnly(JsonNode object, String prefix, Collection<String> known,
            Collection<String> ignored) {
        if (object == null || !object.isObject()) {
            return;
        }
        List<String> unknown = new ArrayList<>();
        for (String name : object.propertyNames()) {
            if (!known.contains(name) && !ignored.contains(name)) {
                unknown.add(prefix.isEmpty() ? name : prefix + "." + name);
            }
        }
        refuse(unknown);
    }

    private static void refuse(List<String> unknown) {
        if (!unknown.isEmpty()) {
            throw new UnknownFieldsException(unknown);
        }
    }

    /** Installs the strict decoder for JSON request bodies, after Spring Boot's own Jackson codecs. */
    @Component
    @Order(Ordered.LOWEST_PRECEDENCE)
    static class StrictCodecs implements CodecCustomizer {

        private final RequestBodies bodies;

        StrictCodecs(RequestBodies bodies) {
            this.bodies = bodies;
        }

        @Override
        public void customize(org.springframework.http.codec.CodecConfigurer configurer) {
            configurer.defaultCodecs().jacksonJsonDecoder(new StrictDecoder(bodies.strict));
        }
    }

    /** Collects every unknown field of one decode and refuses them together once the body is read. */
    static final class StrictDecoder extends JacksonJsonDecoder {

        private static final String HINT = RequestBodies.class.getName() + ".unknown";

        StrictDecoder(JsonMapper mapper) {
            super(mapper);
        }

        @Override
        public Object decode(DataBuffer buffer, ResolvableType targetType, MimeType mimeType,
                Map<String, Object> hints) throws DecodingException {
            List<String> unknown = new ArrayList<>();
            Map<String, Object> withCollector = new java.util.HashMap<>(hints == null ? Map.of() : hints);
            withCollector.put(HINT, unknown);
            Object value = super.decode(buffer, targetType, mimeType, withCollector);
            refuse(unknown);
            return value;
        }

        @Override
        protected tools.jackson.databind.ObjectReader customizeReader(tools.jackson.databind.ObjectReader reader,
                ResolvableType elementType, Map<String, Object> hints) {
            Object unknown = hints == null ? null : hints.get(HINT);
            return unknown == null ? reader : reader.withAttribute(UNKNOWN, unknown);
        }
    }

    /** Records an unknown field with its path and skips its value; without a collector, fails as usual. */
    private static final class UnknownFieldCollector extends DeserializationProblemHandler {

        @Override
        @SuppressWarnings("unchecked")
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                ValueDeserializer<?> deserializer, Object beanOrClass, String propertyName) {
            if (!(ctxt.getAttribute(UNKNOWN) instanceof List<?> unknown)) {
                return false;
            }
            ((List<String>) unknown).add(path(p, propertyName));
            p.skipChildren();
            return true;
        }

        private static String path(JsonParser p, String property) {
            // Jackson's pointer to where the parser stands: on the field's value, or — for an object or
            // array value — on its start, where parsers differ (the stream parser repeats the field's
            // name or adds the array's first index, the tree parser leaves an empty segment before it).
            boolean atStart = p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY;
            String pointer = p.streamReadContext().pathAsPointer().toString();
            List<String> segments = new ArrayList<>();
            for (String segment : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1)) {
                if (!segment.isEmpty()) {
                    segments.add(segment.replace("~1", "/").replace("~0", "~"));
                }
            }
            if (p.currentToken() == JsonToken.START_ARRAY && !segments.isEmpty() && isIndex(segments.getLast())) {
                segments.removeLast();
            }
            int size = segments.size();
            if (atStart && size >= 2 && segments.get(size - 1).equals(property)
                    && segments.get(size - 2).equals(property)) {
                segments.removeLast();
            }
            if (segments.isEmpty() || !segments.getLast().equals(property)) {
                segments.add(property);
            }
            StringBuilder path = new StringBuilder();
            for (String segment : segments) {
                if (isIndex(segment) && !path.isEmpty()) {
                    path.append('[').append(segment).append(']');
                } else {
                    path.append(path.isEmpty() ? "" : ".").append(segment);
                }
            }
            return path.toString();
        }

        private static boolean isIndex(String segment) {
            return segment.matches("\\d{1,9}");
        }
    }
}
