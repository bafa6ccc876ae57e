package dev.opencomputer.server.http;

import dev.opencomputer.server.ApiProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request whose declared body is over the JSON limit before reading it. Raw uploads
 * ({@code application/octet-stream}) have their own, larger limit where they are accepted.
 * Bodies without a length are bounded while decoding (spring.codec.max-in-memory-size).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimitFilter implements WebFilter {

    private final long maxBytes;

    BodyLimitFilter(ApiProperties properties) {
        this.maxBytes = properties.maxRequestBody().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var headers = exchange.getRequest().getHeaders();
        boolean raw = MediaType.APPLICATION_OCTET_STREAM.equalsTypeAndSubtype(headers.getContentType());
        if (!raw && headers.getContentLength() > maxBytes) {
            return Mono.error(new PayloadTooLargeException(null));
        }
        return chain.filter(exchange);
    }
}
