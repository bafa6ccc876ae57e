package dev.opencomputer.server.sessions;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * One clock for the heartbeats of every SSE stream: a stream registers itself instead of
 * scheduling its own timer (or holding a subscription to a shared one), and a stream that cannot
 * take a beat (its client is slow) keeps at most one pending.
 */
@Component
class Heartbeats implements DisposableBean {

    /** What a heartbeat reaches: an open stream. Called on the clock's thread; must not block. */
    interface Listener {
        void beat();
    }

    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final Disposable clock;

    Heartbeats(SessionsProperties properties) {
        this.clock = Flux.interval(properties.heartbeat()).subscribe(tick -> {
            for (Listener listener : listeners) {
                listener.beat();
            }
        });
    }

    void add(Listener listener) {
        listeners.add(listener);
    }

    void remove(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public void destroy() {
        clock.dispose();
        listeners.clear();
    }
}
