package dev.opencomputer.server.http;

import java.util.regex.Pattern;
import org.springframework.web.server.ServerWebExchange;

/** The id that ties a request's response, logs and problems together ({@code X-Request-Id}). */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = RequestIds.class.getName();
    /** The MDC key (and Reactor context key) under which log lines carry the id. */
    public static final String MDC_KEY = "requestId";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    private RequestIds() {
    }

    /** The request's id, or {@code "-"} when the request did not pass the request-id filter. */
    public static String of(ServerWebExchange exchange) {
        Object id = exchange.getAttribute(ATTRIBUTE);
        return id == null ? "-" : id.toString();
    }

    /** Keeps a well-formed id sent by the client (e.g. a proxy), otherwise null. */
    static String acceptable(String incoming) {
        return incoming != null && ACCEPTED.matcher(incoming).matches() ? incoming : null;
    }
}
