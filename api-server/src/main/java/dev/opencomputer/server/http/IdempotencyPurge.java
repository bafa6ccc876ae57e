package dev.opencomputer.server.http;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every ten minutes (and right after start-up), deletes the idempotency keys whose 24 hours have
 * passed, in batches, so the table holds one day of keys and no more.
 */
@Component
class IdempotencyPurge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);
    private static final int BATCH = 1000;
    private static final long INTERVAL_MINUTES = 10;

    private final Idempotency idempotency;
    private volatile ScheduledExecutorService timer;

    IdempotencyPurge(Idempotency idempotency) {
        this.idempotency = idempotency;
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

    @Override
    public void start() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual()
                .name("oc-idempotency-purge").factory());
        t.scheduleWithFixedDelay(this::purge, 5, INTERVAL_MINUTES * 60, TimeUnit.SECONDS);
        timer = t;
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
