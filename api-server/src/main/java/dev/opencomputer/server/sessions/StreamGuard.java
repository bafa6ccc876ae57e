package dev.opencomputer.server.sessions;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.server.PeriodicTask;
import dev.opencomputer.server.auth.AuthenticationFailedException;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.auth.ClientTokens;
import dev.opencomputer.server.auth.TokenLiveness;
import dev.opencomputer.server.problems.LimitExceededException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.tenants.TierLimits;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Ends open SSE streams whose authorisation no longer holds: a client token's stream at the
 * token's expiry (the client reconnects with a fresh token), and every stream of a destroyed
 * session or authorised by a revoked API key (directly, or through the key that minted its
 * client token). Checked every {@code opencomputer.sessions.stream-check} for all of this
 * replica's streams at once, in two queries, so the cost does not grow with a query per stream.
 */
@Component
class StreamGuard extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(StreamGuard.class);

    /** What ends an open stream: called at most once per watch, on the guard's or a timer's thread. */
    interface Ending {
        /** The stream must end with {@code problem}; must not block. */
        void end(Throwable problem);
    }

    /**
     * One open stream: its tenant and session, the key and client token behind it, and how to end
     * it; closing it stops watching (idempotent).
     */
    static final class Watch implements AutoCloseable {
        private final StreamGuard guard;
        private final TenantId tenant;
        private final SessionId session;
        private final String keyId;
        private final String tokenId;
        private final Ending ending;
        private volatile Disposable expiry;
        private volatile boolean closed;

        private Watch(StreamGuard guard, TenantId tenant, SessionId session, String keyId, String tokenId,
                Ending ending) {
            this.guard = guard;
            this.tenant = tenant;
            this.session = session;
            this.keyId = keyId;
            this.tokenId = tokenId;
            this.ending = ending;
        }

        private void end(Throwable problem) {
            if (!closed) {
                ending.end(problem);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            guard.open.remove(this);
            Disposable timer = expiry;
            if (timer != null) {
                timer.dispose();
            }
        }
    }

    private final TokenLiveness liveness;
    private final TierLimits limits;
    private final Clock clock;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();

    StreamGuard(TokenLiveness liveness, TierLimits limits, SessionsProperties properties, Clock clock) {
        super("oc-stream-guard", properties.streamCheck(), properties.streamCheck());
        this.liveness = liveness;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Watches a stream of {@code session} opened by {@code caller} until the returned watch is
     * closed: {@code ending} is told the problem the stream must end on (its client token expired,
     * its session was destroyed, its key revoked). Counts towards the caps {@link #admit} checks.
     */
    Watch watch(Caller caller, TenantId tenant, SessionId session, Ending ending) {
        String keyId = switch (caller) {
            case Caller.TenantKey key -> key.keyId();
            case Caller.SessionClient client -> client.mintedBy();
            case Caller.Operator operator -> null;
        };
        String tokenId = caller instanceof Caller.SessionClient client ? client.tokenId() : null;
        Watch watch = new Watch(this, tenant, session, keyId, tokenId, ending);
        open.add(watch);
        if (caller instanceof Caller.SessionClient client && client.expiresAt() != null) {
            // when the token stops being accepted, so that a reconnect with it is refused, not ended at once
            Duration left = Duration.between(clock.instant(), client.expiresAt().plus(ClientTokens.CLOCK_SKEW));
            watch.expiry = Schedulers.parallel().schedule(() -> watch.end(new AuthenticationFailedException()),
                    Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
            if (watch.closed) {
                watch.expiry.dispose();
            }
        }
        return watch;
    }

    /**
     * Refuses a new stream (429 {@code limit-exceeded}) when the tenant already has its tier's
     * {@code maxStreams} open on this replica, or the client token its {@code maxStreamsPerToken};
     * blocking (a tier lookup, cached).
     */
    void admit(Caller caller, TenantId tenant) {
        ApiProperties.Tier tier = limits.of(tenant);
        String tokenId = caller instanceof Caller.SessionClient client ? client.tokenId() : null;
        int ofTenant = 0;
        int ofToken = 0;
        for (Watch watch : open) {
            if (watch.tenant.equals(tenant)) {
                ofTenant++;
                if (tokenId != null && tokenId.equals(watch.tokenId)) {
                    ofToken++;
                }
            }
        }
        if (ofTenant >= tier.maxStreams()) {
            throw new LimitExceededException("maxStreams", tier.maxStreams(), Duration.ofSeconds(5));
        }
        if (tokenId != null && ofToken >= tier.maxStreamsPerToken()) {
            throw new LimitExceededException("maxStreamsPerToken", tier.maxStreamsPerToken(), Duration.ofSeconds(5));
        }
    }

    @Override
    protected void tick() {
        check();
    }

    /** One check of every open stream. */
    void check() {
        if (open.isEmpty()) {
            return;
        }
        try {
            Set<SessionId> sessions = new HashSet<>();
            Set<String> keys = new HashSet<>();
            for (Watch watch : open) {
                sessions.add(watch.session);
                if (watch.keyId != null) {
                    keys.add(watch.keyId);
                }
            }
            Set<SessionId> gone = liveness.gone(sessions);
            Set<String> revoked = liveness.revoked(keys);
            for (Watch watch : open) {
                if (gone.contains(watch.session)) {
                    watch.end(new ResourceNotFoundException("session", watch.session.value()));
                } else if (watch.keyId != null && revoked.contains(watch.keyId)) {
                    watch.end(new AuthenticationFailedException());
                }
            }
        } catch (RuntimeException e) {
            log.warn("checking open streams failed: {}", e.toString());
        }
    }
}
