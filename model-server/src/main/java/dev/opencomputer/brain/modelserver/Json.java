package dev.opencomputer.brain.modelserver;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The server's one JSON mapper and the few conversions it needs. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }

    static boolean isObject(String json) {
        try {
            return parse(json).isObject();
        } catch (JacksonException e) {
            return false;
        }
    }

    /** The compact form of a JSON text. */
    static String canonical(String json) {
        return MAPPER.writeValueAsString(parse(json));
    }

    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
