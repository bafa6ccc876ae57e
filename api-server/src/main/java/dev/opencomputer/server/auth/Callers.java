package dev.opencomputer.server.auth;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.server.http.BlockingCalls;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Resolves the {@link Caller} of a request for handlers that are not annotated controllers
 * (functional endpoints such as the session stream), exactly as a {@code Caller} controller
 * parameter is resolved: same credentials, same problems.
 */
@Component
public class Callers {

    private final CallerArgumentResolver resolver;

    Callers(ApiKeys apiKeys, ClientTokens clientTokens, TokenLiveness liveness, RequestRates rates,
            ApiProperties properties, BlockingCalls blockingCalls) {
        this.resolver = new CallerArgumentResolver(apiKeys, clientTokens, liveness, rates, properties,
                blockingCalls.scheduler());
    }

    /** The caller, or an error (credential missing or invalid) to be answered as a problem. */
    public Mono<Caller> resolve(ServerWebExchange exchange) {
        return resolver.resolveArgument(null, null, exchange).cast(Caller.class);
    }
}
