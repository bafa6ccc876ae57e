package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.server.Roles;
import dev.opencomputer.session.Session;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Denies permission requests nobody answered in time: on every replica with the {@code brain} role,
 * every {@link HibernationProperties#hibernateCheckInterval()}, each {@code waiting} session's
 * requests whose {@code expiresAt} passed get {@code permission.expired} (through
 * {@link SessionAnswers}, under the same lock as an answer, so a request is answered or expired,
 * never both). The session becomes pending and the next run tells the model the call was denied.
 */
@Component
class PermissionExpiry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PermissionExpiry.class);
    private static final int PAGE = 200;

    private final SessionDirectory directory;
    private final SessionAnswers answers;
    private final HibernationProperties properties;
    private final Roles roles;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    PermissionExpiry(SessionDirectory directory, SessionAnswers answers, HibernationProperties properties, Roles roles,
            Clock clock) {
        this.directory = directory;
        this.answers = answers;
        this.properties = properties;
        this.roles = roles;
        this.clock = clock;
    }

    /** Expires what is due now; answers how many requests expired. */
    int sweep() {
        int expired = 0;
        Session after = null;
        while (true) {
            List<Session> waiting = directory.waiting(after, PAGE);
            for (Session session : waiting) {
                expired += answers.expire(session.id(), clock.instant());
            }
            if (waiting.size() < PAGE) {
                return expired;
            }
            after = waiting.getLast();
        }
    }

    private void sweepQuietly() {
        try {
            int count = sweep();
            if (count > 0) {
                log.info("{} permission request(s) expired", count);
            }
        } catch (RuntimeException e) {
            log.warn("cannot expire permission requests now: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        if (!roles.has("brain") || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("oc-permission-expiry").factory());
        long every = properties.hibernateCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
