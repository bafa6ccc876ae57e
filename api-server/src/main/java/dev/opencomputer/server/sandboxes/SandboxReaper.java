package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.server.PeriodicTask;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every {@code reap-interval}: removes API sandboxes whose TTL has passed, then the sandboxes of session
 * starts that failed half-way (no session refers to them), then orphans (API sandboxes on the engine
 * without a live row, e.g. after a crash mid-delete). The first pass runs right after
 * start-up, so a restarted server cleans up what it left behind.
 */
@Component
class SandboxReaper extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(SandboxReaper.class);

    private final Sandboxes sandboxes;
    private volatile boolean engineWasDown;

    SandboxReaper(Sandboxes sandboxes, SandboxConfig config) {
        super("oc-sandbox-reaper", java.time.Duration.ofSeconds(1), config.reapInterval());
        this.sandboxes = sandboxes;
    }

    @Override
    protected void tick() {
        reap();
    }

    /** One reaping pass; returns how many sandboxes were removed. */
    int reap() {
        try {
            // each kind on its own: one that keeps failing (a removal the engine refuses) stops no other
            int removed = phase("expired", sandboxes::reapExpired) + phase("stray", sandboxes::reapStray)
                    + phase("orphaned", sandboxes::reapOrphans);
            if (engineWasDown) {
                log.info("the container engine is reachable again; sandbox reaping resumed");
                engineWasDown = false;
            }
            return removed;
        } catch (SandboxEngineUnavailableException e) {
            if (!engineWasDown) {
                log.warn("sandbox reaping paused: {}", e.getMessage());
                engineWasDown = true;
            }
            return 0;
        } catch (RuntimeException e) {
            log.warn("a sandbox reaping pass failed", e);
            return 0;
        }
    }

    private int phase(String kind, java.util.function.IntSupplier pass) {
        try {
            return pass.getAsInt();
        } catch (SandboxEngineUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("reaping {} sandboxes failed", kind, e);
            return 0;
        }
    }
}
