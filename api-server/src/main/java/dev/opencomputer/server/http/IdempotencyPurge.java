package dev.opencomputer.server.http;

import dev.opencomputer.server.PeriodicTask;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every ten minutes (and right after start-up), deletes the idempotency keys whose 24 hours have
 * passed, in batches, so the table holds one day of keys and no more.
 */
@Component
class IdempotencyPurge extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);
    private static final int BATCH = 1000;
    private static final long INTERVAL_MINUTES = 10;

    private final Idempotency idempotency;

    IdempotencyPurge(Idempotency idempotency) {
        super("oc-idempotency-purge", Duration.ofSeconds(5), Duration.ofMinutes(INTERVAL_MINUTES));
        this.idempotency = idempotency;
    }

    @Override
    protected void tick() {
        purge();
    }

    /** One pass; returns how many keys were deleted. */
    int purge() {
        int total = 0;
        try {
            int deleted;
            do {
                deleted = idempotency.purgeExpired(BATCH);
                total += deleted;
            } while (deleted == BATCH);
        } catch (RuntimeException e) {
            log.warn("purging expired idempotency keys failed: {}", e.toString());
        }
        return total;
    }
}
