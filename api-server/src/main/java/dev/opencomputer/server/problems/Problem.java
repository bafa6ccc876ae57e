package dev.opencomputer.server.problems;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * An RFC 9457 problem ready to be written: its type, a human-readable detail, extension members
 * and any response headers it needs (e.g. {@code Retry-After}, {@code Allow}).
 */
public record Problem(ProblemType type, String detail, Map<String, Object> extensions, HttpHeaders headers) {

    public Problem {
        extensions = Map.copyOf(extensions);
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type, detail, Map.of(), new HttpHeaders());
    }

    /** The JSON body: type, title, status, detail, instance, then the extensions. */
    public Map<String, Object> body(String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri().toString());
        body.put("title", type.title());
        body.put("status", type.status().value());
        if (detail != null) {
            body.put("detail", detail);
        }
        body.put("instance", instance);
        body.putAll(extensions);
        return body;
    }
}
