package dev.opencomputer.server.sessions;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Leaves session streams out of the {@code http.server.requests} timer: a stream lasts as long as
 * its client stays, so its duration says nothing about the server, and the observation would be
 * held for every open stream. Streams are counted by the {@code opencomputer.event_log.subscriptions}
 * gauge instead.
 */
@Configuration(proxyBeanMethods = false)
class StreamObservations {

    @Bean
    ObservationPredicate noRequestTimerForSessionStreams() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier().getPath().value().endsWith("/stream"));
    }
}
