package dev.opencomputer.server.agents;

import dev.opencomputer.server.problems.FieldViolation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a client tool's input schema is a well-formed JSON Schema (draft 2020-12 keywords)
 * of the shape model providers accept for a tool: an object schema at the top, and below it only
 * known {@code type} names, {@code properties} that are schemas, {@code required} names that exist,
 * {@code items} that are schemas and {@code enum} arrays. Keywords it does not know are passed on
 * unchecked; it validates the schema, not a tool's input (the model's input is sent to the backend
 * as the model wrote it).
 */
final class InputSchemas {

    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean",
            "null");
    private static final int MAX_DEPTH = 16;

    private InputSchemas() {
    }

    static void check(Map<String, Object> schema, String field, List<FieldViolation> v) {
        if (!"object".equals(schema.get("type"))) {
            v.add(new FieldViolation(field + ".type", "must be \"object\": a tool's input is a JSON object"));
        }
        checkSchema(schema, field, 0, v);
    }

    private static void checkSchema(Object node, String field, int depth, List<FieldViolation> v) {
        if (depth > MAX_DEPTH) {
            v.add(new FieldViolation(field, "nests deeper than " + MAX_DEPTH + " levels"));
            return;
        }
        if (node instanceof Boolean) {
            return; // true / false are schemas too
        }
        if (!(node instanceof Map<?, ?> schema)) {
            v.add(new FieldViolation(field, "must be a JSON Schema object"));
            return;
        }
        Object type = schema.get("type");
        if (type != null && !validType(type)) {
            v.add(new FieldViolation(field + ".type", "must be one of " + TYPES + " or an array of them"));
        }
        Object properties = schema.get("properties");
        if (properties != null) {
            if (properties instanceof Map<?, ?> props) {
                props.forEach((name, sub) -> checkSchema(sub, field + ".properties." + name, depth + 1, v));
            } else {
                v.add(new FieldViolation(field + ".properties", "must be an object of schemas"));
            }
        }
        Object required = schema.get("required");
        if (required != null) {
            if (!(required instanceof List<?> names) || !names.stream().allMatch(String.class::isInstance)) {
                v.add(new FieldViolation(field + ".required", "must be an array of property names"));
            } else if (properties instanceof Map<?, ?> props && !props.keySet().containsAll(names)) {
                v.add(new FieldViolation(field + ".required", "names a property that is not in properties"));
            }
        }
        Object items = schema.get("items");
        if (items != null) {
            checkSchema(items, field + ".items", depth + 1, v);
        }
        Object values = schema.get("enum");
        if (values != null && (!(values instanceof List<?> list) || list.isEmpty())) {
            v.add(new FieldViolation(field + ".enum", "must be a non-empty array"));
        }
    }

    private static boolean validType(Object type) {
        if (type instanceof String name) {
            return TYPES.contains(name);
        }
        return type instanceof List<?> names && !names.isEmpty()
                && names.stream().allMatch(name -> name instanceof String s && TYPES.contains(s));
    }
}
