package dev.opencomputer.server.auth;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.server.problems.LimitExceededException;
import dev.opencomputer.server.tenants.TierLimits;
import dev.opencomputer.session.TenantId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Request rates of tenants and of their API keys, per replica: a token bucket per tenant
 * ({@code requestsPerMinute}) and per API key ({@code requestsPerMinutePerKey}; a client token
 * counts toward the key that minted it), each holding a minute's worth for bursts and refilling
 * continuously. A request beyond either is a 429 {@code limit-exceeded} with {@code Retry-After}
 * (when a token is back), before any work is done. The operator is not limited.
 */
@Component
public class RequestRates {

    private final TierLimits limits;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RequestRates(TierLimits limits) {
        this.limits = limits;
    }

    /** Takes one request from the caller's buckets, or throws {@link LimitExceededException}; blocking on a tier lookup. */
    void admit(Caller caller) {
        TenantId tenant;
        String keyId;
        switch (caller) {
            case Caller.TenantKey key -> {
                tenant = key.tenantId();
                keyId = key.keyId();
            }
            case Caller.SessionClient client -> {
                tenant = client.tenantId();
                keyId = client.mintedBy();
            }
            case Caller.Operator operator -> {
                return;
            }
        }
        ApiProperties.Tier tier = limits.of(tenant);
        take("tenant:" + caller.scope(), tier.requestsPerMinute(), "requestsPerMinute");
        if (keyId != null) {
            take("key:" + keyId, tier.requestsPerMinutePerKey(), "requestsPerMinutePerKey");
        }
    }

    private void take(String name, int perMinute, String limit) {
        if (buckets.size() > 100_000) {
            buckets.values().removeIf(Bucket::full);
        }
        long wait = buckets.computeIfAbsent(name, n -> new Bucket(perMinute)).take(perMinute, System.nanoTime());
        if (wait > 0) {
            throw new LimitExceededException(limit, perMinute, Duration.ofNanos(wait));
        }
    }

    /** A minute's worth of requests, refilled continuously; thread-safe. */
    private static final class Bucket {

        private static final long MINUTE = Duration.ofMinutes(1).toNanos();
        private double tokens;
        private long at;

        Bucket(int perMinute) {
            this.tokens = perMinute;
            this.at = System.nanoTime();
        }

        /** Takes a token: 0 when there was one, else how long until there is (nanoseconds). */
        synchronized long take(int perMinute, long now) {
            tokens = Math.min(perMinute, tokens + (now - at) * (double) perMinute / MINUTE);
            at = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * MINUTE / perMinute);
        }

        synchronized boolean full() {
            return tokens >= 1 && System.nanoTime() - at > MINUTE;
        }
    }
}
