package dev.opencomputer.server.secrets;

import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.server.PeriodicTask;
import dev.opencomputer.server.brain.BrainRole;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * On the brain role (the only one that reveals secrets): every hour, and soon after start-up,
 * deletes reveal audit rows older than {@code opencomputer.secrets.reveal-retention} (30 days),
 * in batches. Replicas may prune at the same time; each row goes once.
 */
@Component
@Conditional(BrainRole.class)
class RevealPruning extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(RevealPruning.class);
    private static final int BATCH = 5000;

    private final SecretStore secrets;

    RevealPruning(SecretStore secrets) {
        super("oc-reveal-pruning", Duration.ofSeconds(30), Duration.ofHours(1));
        this.secrets = secrets;
    }

    @Override
    protected void tick() {
        prune();
    }

    /** One pass; returns how many rows were deleted. */
    int prune() {
        int total = 0;
        try {
            int deleted;
            do {
                deleted = secrets.pruneReveals(BATCH);
                total += deleted;
            } while (deleted == BATCH);
            if (total > 0) {
                log.info("pruned {} secret reveal audit rows past their retention", total);
            }
        } catch (RuntimeException e) {
            log.warn("pruning the secret reveal audit failed: {}", e.toString());
        }
        return total;
    }
}
