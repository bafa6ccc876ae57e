package dev.opencomputer.sdk;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An RFC 9457 problem as the server sent it. Branch on {@link #type()} (or {@link #is(String)}):
 * it is stable, while {@code title} and {@code detail} are meant for people and may change.
 *
 * @param type       the problem type URI, e.g. {@code https://opencomputer.dev/problems/not-found};
 *                   {@code about:blank} when the answer was not a problem document
 * @param title      a short summary of the type
 * @param status     the HTTP status
 * @param detail     what went wrong in this occurrence, or null
 * @param instance   the request path, or null
 * @param errors     every field that broke a rule (for {@code validation-failed}); empty otherwise
 * @param extensions any other members, e.g. {@code parameter}, {@code limit}, {@code max}
 */
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors, Map<String, Object> extensions) {

    /** Where the server's problem type URIs start; the slug follows. */
    public static final String TYPE_BASE = "https://opencomputer.dev/problems/";

    /** One broken rule: the field (dotted path, e.g. {@code limits.maxSteps}) and what is wrong. */
    public record FieldError(String field, String message) {
    }

    public Problem {
        type = type == null || type.isBlank() ? "about:blank" : type;
        errors = errors == null ? List.of() : List.copyOf(errors);
        extensions = extensions == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(extensions));
    }

    /**
     * The part of {@link #type()} after {@value #TYPE_BASE}, e.g. {@code not-found}; the whole type
     * when it is not one of this API's.
     */
    public String slug() {
        return type.startsWith(TYPE_BASE) ? type.substring(TYPE_BASE.length()) : type;
    }

    /** Whether this problem has the given slug ({@code "conflict"}) or full type URI. */
    public boolean is(String slugOrType) {
        return type.equals(slugOrType) || slug().equals(slugOrType);
    }

    /** An extension member as a string, if present. */
    public Optional<String> extension(String name) {
        return Optional.ofNullable(extensions.get(name)).map(String::valueOf);
    }
}
