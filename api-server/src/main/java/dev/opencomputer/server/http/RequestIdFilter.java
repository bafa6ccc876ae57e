package dev.opencomputer.server.http;

import io.micrometer.context.ContextRegistry;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id (kept from {@code X-Request-Id} when well-formed), returns it in the
 * response, makes it available to log lines as MDC {@code requestId} and writes one access-log
 * line per request. The query string is never logged: it may hold a client token.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

    private static final Logger access = LoggerFactory.getLogger("opencomputer.access");

    static {
        ContextRegistry.getInstance().registerThreadLocalAccessor(RequestIds.MDC_KEY,
                () -> MDC.get(RequestIds.MDC_KEY),
                value -> MDC.put(RequestIds.MDC_KEY, value),
                () -> MDC.remove(RequestIds.MDC_KEY));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String incoming = RequestIds.acceptable(exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER));
        String id = incoming != null ? incoming : UUID.randomUUID().toString();
        exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        long started = System.nanoTime();
        return chain.filter(exchange)
                .doFinally(signal -> {
                    var status = exchange.getResponse().getStatusCode();
                    access.info("{} {} {} {}ms [requestId={}]", exchange.getRequest().getMethod(),
                            exchange.getRequest().getPath().value(), status == null ? "-" : status.value(),
                            (System.nanoTime() - started) / 1_000_000, id);
                })
                .contextWrite(context -> context.put(RequestIds.MDC_KEY, id));
    }
}
