package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.Lease;
import dev.opencomputer.brain.SessionLeases;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.eventlog.StaleFencingTokenException;
import dev.opencomputer.server.Roles;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.sandboxes.Sandboxes;
import dev.opencomputer.server.sessions.HibernationCandidates.Candidate;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionHibernated;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Hibernates idle sessions: on every replica with the {@code brain} role, every
 * {@link HibernationProperties#hibernateCheckInterval()}, the sessions idle for longer than
 * {@link HibernationProperties#idleHibernateAfter()} whose sandbox no other session needs (every
 * other session on it is idle long enough, hibernated or closed) are taken with the brain's own lease
 * ({@code FOR UPDATE SKIP LOCKED}, so one replica acts and a brain worker cannot claim them meanwhile),
 * their sandbox is stopped (the workspace stays), {@code session.hibernated} is appended under the
 * lease's fencing token and the lease is released. A hibernated session holds no container, no thread
 * and no lease; its next message makes it pending and the brain run that picks it up starts the
 * sandbox again ({@code session.woke}). A message that arrives while the sandbox is being stopped is
 * not lost: hibernating a session that is no longer idle leaves its status alone.
 */
@Component
public class Hibernation implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Hibernation.class);
    private static final int BATCH = 32;
    /** How many idle sessions one look at the directory takes while it searches for a batch. */
    private static final int PAGE = 4 * BATCH;
    private static final String OWNER_PREFIX = "hibernation-";

    /** How long the sweeper holds a session while it stops its sandbox. */
    private static final Duration LEASE = Duration.ofSeconds(60);

    private final SessionDirectory directory;
    private final SetupTable setups;
    private final SessionLeases leases;
    private final EventLog eventLog;
    private final Sandboxes sandboxes;
    private final HibernationProperties properties;
    private final Roles roles;
    private final Clock clock;
    private final String owner = OWNER_PREFIX + ProcessHandle.current().pid() + "-" + Integer.toHexString(
            System.identityHashCode(this));
    private ScheduledExecutorService scheduler;

    Hibernation(SessionDirectory directory, SetupTable setups, SessionLeases leases, EventLog eventLog, Sandboxes sandboxes,
            HibernationProperties properties, Roles roles, Clock clock) {
        this.directory = directory;
        this.setups = setups;
        this.leases = leases;
        this.eventLog = eventLog;
        this.sandboxes = sandboxes;
        this.properties = properties;
        this.roles = roles;
        this.clock = clock;
    }

    private record Claimed(Lease lease, TenantId tenant) {
        SessionId id() {
            return lease.sessionId();
        }
    }

    /** Hibernates what is due now; answers how many sessions hibernated. */
    public int sweep() {
        // to the microsecond, as the database rounds it, so that comparisons in Java agree with those in SQL
        Instant cutoff = clock.instant().minus(properties.idleHibernateAfter()).plusNanos(500)
                .truncatedTo(ChronoUnit.MICROS);
        Map<SessionId, Candidate> candidates = candidates(cutoff);
        List<Lease> claimed = leases.claimIdle(owner, candidates.keySet(), cutoff, LEASE);
        Map<SandboxId, List<Claimed>> bySandbox = new LinkedHashMap<>();
        for (Lease lease : claimed) {
            Candidate candidate = candidates.get(lease.sessionId());
            bySandbox.computeIfAbsent(candidate.sandbox(), k -> new ArrayList<>())
                    .add(new Claimed(lease, candidate.tenant()));
        }
        int hibernated = 0;
        for (Map.Entry<SandboxId, List<Claimed>> group : bySandbox.entrySet()) {
            List<Claimed> sessions = group.getValue();
            try {
                sandboxes.stop(sessions.getFirst().tenant(), group.getKey());
            } catch (ResourceNotFoundException e) {
                // the sandbox was deleted: nothing to stop, the sessions still hibernate
            } catch (RuntimeException e) {
                log.warn("cannot stop the sandbox {} to hibernate its sessions: {}", group.getKey(), e.toString());
                sessions.forEach(this::release);
                continue;
            }
            for (Claimed session : sessions) {
                try {
                    eventLog.append(session.id(), List.of(new SessionHibernated()), session.lease().token());
                    hibernated++;
                } catch (StaleFencingTokenException e) {
                    // taken over meanwhile (our lease expired): whoever holds it now decides
                } finally {
                    release(session);
                }
            }
        }
        return hibernated;
    }

    /**
     * Up to {@link #BATCH} sessions idle since before {@code cutoff}, the longest idle first, that
     * {@link HibernationCandidates} lets hibernate, looked for a page of the directory at a time. The
     * lease port claims them, re-checking under the row lock that they are still idle and unleased.
     */
    private Map<SessionId, Candidate> candidates(Instant cutoff) {
        Map<SessionId, Candidate> candidates = new LinkedHashMap<>();
        Session after = null;
        while (candidates.size() < BATCH) {
            List<Session> idle = directory.idleBefore(cutoff, after, PAGE);
            Map<SessionId, SandboxId> sandboxOf = new HashMap<>();
            setups.placements(idle.stream().map(Session::id).toList())
                    .forEach((session, placement) -> sandboxOf.put(session, placement.sandbox()));
            Map<SandboxId, List<SessionId>> sessionsOn = setups.sessionsOn(sandboxOf.values());
            Map<SessionId, Session> rows = directory.findAll(sessionsOn.values().stream().flatMap(List::stream).toList());
            HibernationCandidates.pick(idle, sandboxOf, sessionsOn, rows, cutoff, BATCH - candidates.size())
                    .forEach(candidate -> candidates.put(candidate.id(), candidate));
            if (idle.size() < PAGE) {
                break;
            }
            after = idle.getLast();
        }
        return candidates;
    }

    private void release(Claimed session) {
        leases.release(owner, session.lease());
    }

    private void sweepQuietly() {
        try {
            int count = sweep();
            if (count > 0) {
                log.debug("hibernated {} idle sessions", count);
            }
        } catch (RuntimeException e) {
            log.warn("cannot hibernate idle sessions now: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        if (!roles.has("brain") || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("oc-hibernation").factory());
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
