package dev.opencomputer.server.auth;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.server.http.BlockingCalls;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import reactor.core.scheduler.Scheduler;

/** Registers the {@link Caller} argument resolver with WebFlux. */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration implements WebFluxConfigurer {

    private final ApiKeys apiKeys;
    private final ClientTokens clientTokens;
    private final TokenLiveness liveness;
    private final RequestRates rates;
    private final ApiProperties properties;
    private final Scheduler blocking;

    AuthConfiguration(ApiKeys apiKeys, ClientTokens clientTokens, TokenLiveness liveness, RequestRates rates,
            ApiProperties properties, BlockingCalls blockingCalls) {
        this.rates = rates;
        this.apiKeys = apiKeys;
        this.clientTokens = clientTokens;
        this.liveness = liveness;
        this.properties = properties;
        this.blocking = blockingCalls.scheduler();
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(new CallerArgumentResolver(apiKeys, clientTokens, liveness, rates, properties,
                blocking));
    }
}
