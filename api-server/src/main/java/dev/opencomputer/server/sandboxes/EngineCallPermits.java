package dev.opencomputer.server.sandboxes;

import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.server.problems.LimitExceededException;
import dev.opencomputer.server.tenants.TierLimits;
import dev.opencomputer.session.TenantId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.springframework.stereotype.Component;

/**
 * Caps the sandbox calls of one tenant that hold a connection to the container engine for their
 * whole length — commands run to their end, streamed commands, file uploads and downloads — so that
 * one tenant cannot drain this replica's engine connection pools under the others. Each kind has its
 * tier limit, counted on this replica (the pools are per replica); a call over it is refused at once
 * with 429 {@code limit-exceeded}, never queued. Thread-safe.
 */
@Component
class EngineCallPermits {

    /** A kind of long engine call and the tier limit that caps it. */
    enum Kind {
        EXEC("maxConcurrentExecs", ApiProperties.Tier::maxConcurrentExecs),
        STREAMED_EXEC("maxStreamedExecs", ApiProperties.Tier::maxStreamedExecs),
        FILE_TRANSFER("maxFileTransfers", ApiProperties.Tier::maxFileTransfers);

        private final String limit;
        private final ToIntFunction<ApiProperties.Tier> max;

        Kind(String limit, ToIntFunction<ApiProperties.Tier> max) {
            this.limit = limit;
            this.max = max;
        }
    }

    /** A held slot; closing it (more than once is harmless) frees the slot. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private record Key(TenantId tenant, Kind kind) {
    }

    private final TierLimits limits;
    private final Map<Key, Integer> held = new ConcurrentHashMap<>();

    EngineCallPermits(TierLimits limits) {
        this.limits = limits;
    }

    /**
     * Takes a slot of {@code kind} for {@code tenant}, or throws {@link LimitExceededException} when
     * the tenant holds its tier's limit already; blocking on a tier lookup (cached).
     */
    Permit acquire(TenantId tenant, Kind kind) {
        int max = kind.max.applyAsInt(limits.of(tenant));
        Key key = new Key(tenant, kind);
        AtomicBoolean taken = new AtomicBoolean();
        held.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            taken.set(true);
            return now + 1;
        });
        if (!taken.get()) {
            throw new LimitExceededException(kind.limit, max, RETRY_AFTER);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                held.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            }
        };
    }

    /** The slots of {@code kind} that {@code tenant} holds now. */
    int held(TenantId tenant, Kind kind) {
        return held.getOrDefault(new Key(tenant, kind), 0);
    }
}
