package dev.opencomputer.server.http;

import dev.opencomputer.server.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the idempotency claims of the requests this process runs alive (see {@link Idempotency}):
 * a claim that is no longer refreshed belongs to a process that died, and a retry takes it over.
 */
@Component
class IdempotencyClaimHeartbeat extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyClaimHeartbeat.class);

    private final Idempotency idempotency;

    IdempotencyClaimHeartbeat(Idempotency idempotency) {
        super("oc-idempotency-claims", Idempotency.CLAIM_HEARTBEAT, Idempotency.CLAIM_HEARTBEAT);
        this.idempotency = idempotency;
    }

    @Override
    protected void tick() {
        try {
            idempotency.refreshClaims();
        } catch (RuntimeException e) {
            log.warn("refreshing idempotency claims failed: {}", e.toString());
        }
    }
}
