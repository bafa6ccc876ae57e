package dev.opencomputer.server.http;

import dev.opencomputer.server.Roles;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A process whose {@code opencomputer.roles} lacks {@code api} serves health and metrics
 * ({@code /actuator/**}) and nothing else: every other path is a 404 problem, so a brain or
 * dispatcher replica behind a misconfigured load balancer never answers the public API.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class ApiRoleFilter implements WebFilter {

    private final boolean api;

    ApiRoleFilter(Roles roles) {
        this.api = roles.has("api");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (api || exchange.getRequest().getPath().value().startsWith("/actuator/")) {
            return chain.filter(exchange);
        }
        return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND)); // "no such route"
    }
}
