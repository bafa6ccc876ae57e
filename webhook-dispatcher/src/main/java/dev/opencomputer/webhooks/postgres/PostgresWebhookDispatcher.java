package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.LogTail;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.webhooks.RetryPolicy;
import dev.opencomputer.webhooks.UrlGuard;
import dev.opencomputer.webhooks.WebhookProperties;
import dev.opencomputer.webhooks.http.Courier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dispatcher process's webhook work: derives messages from the log ({@link MessageDeriver}),
 * claims due messages with a lease (several dispatchers share the table; a dispatcher that dies
 * loses its claims when the lease runs out, and another delivers them again), delivers each on a
 * virtual thread within the process's and each endpoint's concurrency limits, and records the
 * attempts in batches. Delivery is at least once: a kill at any moment leads to a repeat, never to
 * a loss. Call {@link #start()} once and {@link #close()} at shutdown.
 */
public final class PostgresWebhookDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresWebhookDispatcher.class);
    private static final int MAX_CLAIM = 500;
    private static final int MAX_DERIVE = 1000;
    private static final Duration DERIVE_SPACING = Duration.ofMillis(5);
    private static final int MAX_SETTLE = 1000;
    private static final int SETTLE_ENOUGH = 256;
    private static final long SETTLE_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String id;
    private final WebhookProperties properties;
    private final Clock clock;
    private final MessageQueue queue;
    private final MessageDeriver deriver;
    private final Deliveries deliveries;
    private final Courier courier;
    private final LogTail tail;
    private final Semaphore deriveWake = new Semaphore(0);
    private final Semaphore claimWake = new Semaphore(0);
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Guarded by itself, as is {@link #heldTotal}. */
    private final Map<String, Held> held = new java.util.HashMap<>();
    private int heldTotal;
    /** Slots the deriver or the claimer reserved for messages they are about to hold. */
    private int reserved;
    private final java.util.concurrent.atomic.AtomicBoolean claimNeeded = new java.util.concurrent.atomic.AtomicBoolean();
    private final LinkedBlockingQueue<MessageQueue.Settlement> settlements = new LinkedBlockingQueue<>();
    /** New on every {@link #start()}: a stopped dispatcher may be started again. */
    private volatile ExecutorService workers;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private AutoCloseable wakeRegistration;

    public PostgresWebhookDispatcher(String id, DataSource dataSource, LogTail tail, EventLog eventLog,
            SecretStore secrets, WebhookProperties properties, Clock clock) {
        this.id = id;
        this.properties = properties;
        this.clock = clock;
        this.tail = tail;
        RetryPolicy retries = RetryPolicy.of(properties);
        this.queue = new MessageQueue(dataSource);
        this.deriver = new MessageDeriver(tail, queue, dataSource, retries, clock, this::wantClaim);
        this.courier = new Courier(UrlGuard.of(properties), properties.timeout(), properties.concurrency(),
                properties.endpointConcurrency(), clock);
        this.deliveries = new Deliveries(new EndpointSecrets(secrets, "webhooks:dispatcher " + id), courier, eventLog,
                retries, clock);
    }

    /** This dispatcher's id, as it appears in attempts and leases. */
    public String id() {
        return id;
    }

    public synchronized PostgresWebhookDispatcher start() {
        if (running) {
            return this;
        }
        running = true;
        workers = Executors.newVirtualThreadPerTaskExecutor();
        threads.clear();
        wakeRegistration = tail.onCommit(deriveWake::release);
        threads.add(Thread.ofPlatform().daemon().name("oc-webhook-derive").start(this::deriveLoop));
        threads.add(Thread.ofPlatform().daemon().name("oc-webhook-claim").start(this::claimLoop));
        threads.add(Thread.ofPlatform().daemon().name("oc-webhook-settle").start(this::settleLoop));
        log.info("webhook dispatcher {} started (concurrency {}, {} per endpoint)", id, properties.concurrency(),
                properties.endpointConcurrency());
        return this;
    }

    /** How many deliveries this process runs right now. */
    public int inFlight() {
        return inFlight.get();
    }

    private void deriveLoop() {
        // derive in chunks of at least half the concurrency: fewer, larger statements per delivery
        int threshold = Math.max(1, properties.concurrency() / 2);
        while (running) {
            try {
                int room = reserve(MAX_DERIVE);
                if (room < threshold) {
                    admit(List.of(), room);
                    deriveWake.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    deriveWake.drainPermits();
                    continue;
                }
                long passStarted = System.nanoTime();
                int consumed = derive(room);
                if (consumed >= threshold) {
                    continue;
                }
                if (consumed == 0) {
                    deriveWake.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    deriveWake.drainPermits();
                }
                // after a small pass, let a few more commits gather before the next (a pass has a fixed cost
                // of three or four statements; webhook.sent commits alone would wake one per settle batch)
                long early = passStarted + DERIVE_SPACING.toNanos() - System.nanoTime();
                if (early > 0) {
                    Thread.sleep(Duration.ofNanos(early));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                backOff("derive webhook messages", e);
            }
        }
    }

    /** One pass of the deriver with {@code room} reserved slots; what it stores leased starts at once. */
    private int derive(int room) {
        int perHeld = 2 * properties.endpointConcurrency();
        Map<String, Integer> heldNow = heldPerEndpoint();
        Instant now = clock.instant();
        boolean[] admitted = {false};
        try {
            return deriver.derive(room, id, room, endpoint -> perHeld - heldNow.getOrDefault(endpoint, 0),
                    now.plus(properties.lease()), leased -> {
                        admitted[0] = true;
                        admit(leased, room);
                    });
        } finally {
            if (!admitted[0]) {
                admit(List.of(), room);
            }
        }
    }

    private void claimLoop() {
        boolean due = true;
        while (running) {
            try {
                if (due || claimNeeded.getAndSet(false)) {
                    int asked = reserve(MAX_CLAIM);
                    if (asked == 0) {
                        claimNeeded.set(true); // again when a slot frees
                    } else if (claim(asked) == asked) {
                        claimNeeded.set(true); // more may be waiting
                        due = false;
                        continue;
                    }
                }
                due = !claimWake.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                claimWake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                backOff("claim webhook messages", e);
            }
        }
    }

    /** Asks the claimer to look for claimable messages (stored without a lease, or due again). */
    private void wantClaim() {
        claimNeeded.set(true);
        claimWake.release();
    }

    /**
     * Reserves up to {@code max} of the slots for held messages (twice the concurrency: the extra
     * half waits here for a free slot, at most about one attempt's time, well within its lease).
     */
    private int reserve(int max) {
        synchronized (held) {
            int room = Math.max(0, Math.min(max, 2 * properties.concurrency() - heldTotal - reserved));
            reserved += room;
            return room;
        }
    }

    /** Holds {@code messages} (now leased to this process) in place of {@code reservation} slots and starts what fits. */
    private void admit(List<MessageQueue.Claimed> messages, int reservation) {
        synchronized (held) {
            reserved -= reservation;
            for (MessageQueue.Claimed message : messages) {
                Held endpoint = held.computeIfAbsent(message.endpointId(), e -> new Held());
                endpoint.waiting.add(message);
                endpoint.held++;
                heldTotal++;
            }
            pump();
        }
    }

    private Map<String, Integer> heldPerEndpoint() {
        synchronized (held) {
            Map<String, Integer> counts = new java.util.HashMap<>();
            held.forEach((endpoint, h) -> counts.put(endpoint, h.held));
            return counts;
        }
    }

    /** Claims up to {@code limit} (reserved) due messages from the table. */
    private int claim(int limit) {
        int perHeld = 2 * properties.endpointConcurrency();
        List<MessageQueue.Claimed> claimed = List.of();
        try {
            Map<String, Integer> heldNow = heldPerEndpoint();
            Set<String> saturated = heldNow.entrySet().stream().filter(e -> e.getValue() >= perHeld)
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            Instant now = clock.instant();
            claimed = queue.claim(id, limit, saturated, endpoint -> perHeld - heldNow.getOrDefault(endpoint, 0), now,
                    now.plus(properties.lease()));
        } finally {
            admit(claimed, limit);
        }
        return claimed.size();
    }

    /** Messages of one endpoint this process holds: waiting for a slot, or being delivered. */
    private static final class Held {
        final java.util.ArrayDeque<MessageQueue.Claimed> waiting = new java.util.ArrayDeque<>();
        int held;
        int delivering;
    }

    /** Starts deliveries while the process and the endpoints have free slots (holding {@code held}). */
    private void pump() {
        int perLimit = properties.endpointConcurrency();
        for (Held endpoint : held.values()) {
            while (!endpoint.waiting.isEmpty() && endpoint.delivering < perLimit
                    && inFlight.get() < properties.concurrency()) {
                MessageQueue.Claimed message = endpoint.waiting.poll();
                endpoint.delivering++;
                inFlight.incrementAndGet();
                workers.execute(() -> deliver(message));
            }
        }
    }

    private void deliver(MessageQueue.Claimed message) {
        try {
            settlements.add(deliveries.deliver(message));
        } catch (RuntimeException e) {
            log.warn("delivery of webhook message {} failed unexpectedly; it is retried after its lease", message.id(), e);
        } finally {
            boolean refill;
            synchronized (held) {
                Held endpoint = held.get(message.endpointId());
                if (endpoint != null) { // null only after a stop gave up waiting for this delivery
                    endpoint.delivering--;
                    endpoint.held--;
                    heldTotal--;
                    if (endpoint.held == 0) {
                        held.remove(message.endpointId());
                    }
                }
                inFlight.decrementAndGet();
                pump();
                refill = heldTotal + reserved <= properties.concurrency();
            }
            if (refill) {
                deriveWake.release();
                if (claimNeeded.get()) {
                    claimWake.release();
                }
            }
        }
    }

    private void settleLoop() {
        List<MessageQueue.Settlement> batch = new ArrayList<>();
        boolean logged = false;
        int failures = 0;
        while (running || !settlements.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    MessageQueue.Settlement first = settlements.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    gather(batch);
                    logged = false;
                    failures = 0;
                }
                if (!logged) {
                    deliveries.logSent(batch);
                    logged = true;
                }
                settle(batch, failures >= 3);
                boolean retrySoon = batch.stream().anyMatch(s -> "pending".equals(s.status()));
                batch.clear();
                if (retrySoon) {
                    wantClaim();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures++;
                if (!running && failures > 3) {
                    log.warn("dropping {} unrecorded webhook attempts at shutdown; their messages are sent again "
                            + "after their leases", batch.size());
                    batch.clear();
                }
                backOff("record webhook attempts", e); // the batch is kept and recorded later
            }
        }
    }

    /**
     * Adds what else is queued to {@code batch}, lingering up to {@link #SETTLE_LINGER_NANOS} while
     * deliveries are still running and the batch is small: a few milliseconds more before an attempt
     * is recorded (its slot is free already) buy far fewer statements and {@code webhook.sent}
     * appends per delivery.
     */
    private void gather(List<MessageQueue.Settlement> batch) throws InterruptedException {
        long until = System.nanoTime() + SETTLE_LINGER_NANOS;
        settlements.drainTo(batch, MAX_SETTLE - batch.size());
        while (running && batch.size() < SETTLE_ENOUGH && inFlight.get() > 0) {
            long left = until - System.nanoTime();
            MessageQueue.Settlement next = left > 0 ? settlements.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            settlements.drainTo(batch, MAX_SETTLE - batch.size());
        }
    }

    /**
     * Records a batch in one transaction; after repeated failures one by one, dropping any that
     * still fails (e.g. its endpoint was deleted meanwhile): its message, if it still exists, is
     * delivered again after its lease.
     */
    private void settle(List<MessageQueue.Settlement> batch, boolean singly) {
        Instant now = clock.instant();
        Instant failingBefore = now.minus(properties.disableAfter());
        if (!singly) {
            queue.settle(id, batch, now, failingBefore);
            return;
        }
        for (MessageQueue.Settlement settlement : batch) {
            try {
                queue.settle(id, List.of(settlement), now, failingBefore);
            } catch (RuntimeException e) {
                log.warn("cannot record attempt {} of webhook message {} ({}); dropped", settlement.attempt().attempt(),
                        settlement.message().id(), e.toString());
            }
        }
    }

    private void backOff(String task, RuntimeException e) {
        if (!running) {
            return;
        }
        log.warn("cannot {} ({}); trying again shortly", task, e.toString());
        try {
            Thread.sleep(Duration.ofMillis(500));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop()}, then closes the HTTP client: for good. */
    @Override
    public synchronized void close() {
        stop();
        courier.close();
    }

    /**
     * Stops claiming, lets running deliveries finish (up to the timeout) and records them; held
     * messages not yet started are left to their leases. {@link #start()} may follow.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            if (wakeRegistration != null) {
                wakeRegistration.close();
            }
        } catch (Exception ignored) {
            // only removes a callback
        }
        try {
            // first nothing new is claimed, then running deliveries finish, then their attempts are recorded
            for (Thread thread : threads) {
                if (!thread.getName().equals("oc-webhook-settle")) {
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(5));
                }
            }
            List<MessageQueue.Claimed> unstarted = new ArrayList<>();
            synchronized (held) {
                for (Held endpoint : held.values()) {
                    unstarted.addAll(endpoint.waiting);
                    endpoint.held -= endpoint.waiting.size();
                    heldTotal -= endpoint.waiting.size();
                    endpoint.waiting.clear();
                }
            }
            try {
                queue.release(unstarted);
            } catch (RuntimeException e) {
                log.warn("cannot release {} webhook leases at stop; they expire on their own", unstarted.size());
            }
            workers.shutdown();
            workers.awaitTermination(properties.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (held) {
            held.clear();
            heldTotal = 0;
            reserved = 0;
        }
    }
}
