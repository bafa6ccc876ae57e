package dev.opencomputer.server.sessions;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * One clock for the heartbeats of every SSE stream: a stream subscribes to the shared ticks
 * instead of scheduling its own timer, and a stream that cannot take a tick (its client is slow)
 * simply misses it.
 */
@Component
class Heartbeats implements DisposableBean {

    private final Sinks.Many<Long> ticks = Sinks.many().multicast().directBestEffort();
    private final Disposable clock;

    Heartbeats(SessionsProperties properties) {
        this.clock = Flux.interval(properties.heartbeat()).subscribe(ticks::tryEmitNext);
    }

    Flux<Long> ticks() {
        return ticks.asFlux();
    }

    @Override
    public void destroy() {
        clock.dispose();
        ticks.tryEmitComplete();
    }
}
