package dev.opencomputer.server.http;

import dev.opencomputer.server.problems.MalformedRequestBodyException;
import dev.opencomputer.server.problems.ParameterInvalidException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses, as problems, requests whose shape no route accepts, before any route sees them: a path
 * or query that is not UTF-8 once percent-decoded, a query parameter given twice (every parameter
 * of the API takes one value), a {@code Content-Type} that is not a valid media type, and a body
 * on a method that takes none ({@code GET}, {@code HEAD}, {@code DELETE}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class RequestShapeFilter implements WebFilter {

    private static final Set<HttpMethod> BODILESS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        if (!isUtf8(request.getURI().getRawPath())) {
            return Mono.error(new ParameterInvalidException("path", "the path is not UTF-8 once percent-decoded"));
        }
        String rawQuery = request.getURI().getRawQuery();
        if (rawQuery != null && !isUtf8(rawQuery.replace('+', ' '))) {
            return Mono.error(new ParameterInvalidException("query", "the query is not UTF-8 once percent-decoded"));
        }
        for (Map.Entry<String, List<String>> parameter : request.getQueryParams().entrySet()) {
            if (parameter.getValue().size() > 1) {
                return Mono.error(new ParameterInvalidException(parameter.getKey(),
                        "parameter '" + parameter.getKey() + "' is given " + parameter.getValue().size()
                                + " times; it takes one value"));
            }
        }
        HttpHeaders headers = request.getHeaders();
        String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        if (contentType != null) {
            MediaType.parseMediaType(contentType); // throws InvalidMediaTypeException: a 415 problem
        }
        if (BODILESS.contains(request.getMethod()) && hasBody(headers)) {
            return Mono.error(new MalformedRequestBodyException(request.getMethod() + " takes no request body"));
        }
        return chain.filter(exchange);
    }

    private static boolean hasBody(HttpHeaders headers) {
        return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    /** Whether the percent-escapes of {@code raw} decode to valid UTF-8. */
    static boolean isUtf8(String raw) {
        if (raw == null || raw.indexOf('%') < 0) {
            return true;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return false;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '%') {
                return false;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
