package dev.opencomputer.server.auth;

import dev.opencomputer.server.ApiProperties;
import java.security.MessageDigest;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Resolves a {@link Caller} parameter from {@code Authorization: Bearer …}: the operator key
 * (compared in constant time), a tenant API key, or a client token (also accepted as
 * {@code ?token=} for EventSource). Key look-ups run on virtual threads, never
 * on the event loop. Credentials are never logged.
 */
class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    private static final String ATTRIBUTE = Caller.class.getName();

    private final ApiKeys apiKeys;
    private final ClientTokens clientTokens;
    private final TokenLiveness liveness;
    private final RequestRates rates;
    private final byte[] operatorKeyHash;
    private final Scheduler scheduler;

    CallerArgumentResolver(ApiKeys apiKeys, ClientTokens clientTokens, TokenLiveness liveness, RequestRates rates,
            ApiProperties properties, Scheduler blocking) {
        this.rates = rates;
        this.apiKeys = apiKeys;
        this.clientTokens = clientTokens;
        this.liveness = liveness;
        this.operatorKeyHash = properties.operatorKey().isEmpty() ? null : ApiKeys.sha256(properties.operatorKey());
        this.scheduler = blocking;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return Caller.class.isAssignableFrom(parameter.getParameterType());
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
            ServerWebExchange exchange) {
        Caller known = exchange.getAttribute(ATTRIBUTE);
        if (known != null) {
            return Mono.just(known);
        }
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            // EventSource cannot set headers: a client token (never an API key) may come as ?token=.
            String token = exchange.getRequest().getQueryParams().getFirst("token");
            if (token != null && ClientTokens.looksLikeJwt(token)) {
                return Mono.fromCallable(() -> (Object) admitted(liveClient(token)))
                        .subscribeOn(scheduler)
                        .doOnNext(caller -> exchange.getAttributes().put(ATTRIBUTE, caller));
            }
            return Mono.error(token == null ? new CredentialMissingException() : new AuthenticationFailedException());
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.error(new AuthenticationFailedException());
        }
        String presented = header.substring(7).strip();
        return Mono.fromCallable(() -> admitted(authenticate(presented)))
                .subscribeOn(scheduler)
                .doOnNext(caller -> exchange.getAttributes().put(ATTRIBUTE, caller))
                .cast(Object.class);
    }

    /** The caller, once its request fits its tenant's and key's rates (else a 429 problem). */
    private Caller admitted(Caller caller) {
        rates.admit(caller);
        return caller;
    }

    /** A verified client token whose session still exists and whose minting key is not revoked. */
    private Caller.SessionClient liveClient(String token) {
        Caller.SessionClient client = clientTokens.verify(token);
        if (!liveness.live(client)) {
            throw new AuthenticationFailedException();
        }
        return client;
    }

    private Caller authenticate(String presented) {
        if (ClientTokens.looksLikeJwt(presented)) {
            return liveClient(presented);
        }
        if (operatorKeyHash != null && MessageDigest.isEqual(operatorKeyHash, ApiKeys.sha256(presented))) {
            return new Caller.Operator();
        }
        return apiKeys.verify(presented).orElseThrow(AuthenticationFailedException::new);
    }
}
