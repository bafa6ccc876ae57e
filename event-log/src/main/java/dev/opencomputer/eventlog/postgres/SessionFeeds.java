package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sessions that have live subscribers on this replica. Wake-ups for other sessions cost a
 * map lookup. Feeds come and go with their subscribers.
 */
final class SessionFeeds implements AutoCloseable {

    /** Stored events of one read with the session's last seq as of that read (-1: no session). */
    record Page(List<StreamItem> items, long lastSeq) {
    }

    private final ConcurrentHashMap<SessionId, SessionFeed> feeds = new ConcurrentHashMap<>();
    private final EventTable table;
    private final EventJson json;
    private final int readBatchSize;
    private final int recentEvents;
    private final long recentBytes;
    private final int ephemeralCapacity;
    private final AtomicInteger subscriptions = new AtomicInteger();
    /** Told of every commit signal, whether or not a feed is subscribed (the log tail's wake-up). */
    private volatile Runnable committed = () -> { };
    private final ExecutorService executor =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("oc-event-feed-", 0).factory());

    SessionFeeds(EventTable table, EventJson json, int readBatchSize, int recentEvents, long recentBytes,
            int ephemeralCapacity) {
        this.recentBytes = recentBytes;
        this.table = table;
        this.json = json;
        this.readBatchSize = readBatchSize;
        this.recentEvents = recentEvents;
        this.ephemeralCapacity = ephemeralCapacity;
    }

    /**
     * Registers a subscription that starts after {@code afterSeq} and delivers single items
     * ({@code maxBatch} 0) or lists of up to {@code maxBatch} items.
     */
    void subscribe(SessionId session, long afterSeq, int maxBatch, Flow.Subscriber<?> subscriber) {
        FeedSubscription[] created = new FeedSubscription[1];
        SessionFeed[] fresh = new SessionFeed[1];
        feeds.compute(session, (id, feed) -> {
            SessionFeed target = feed;
            if (target == null) {
                target = new SessionFeed(id, this, recentEvents, recentBytes);
                fresh[0] = target;
            }
            created[0] = new FeedSubscription(target, this, subscriber, afterSeq, maxBatch, ephemeralCapacity);
            target.subscribers.add(created[0]);
            return target;
        });
        subscriptions.incrementAndGet();
        if (fresh[0] != null) {
            execute(fresh[0]::locate);
        }
        subscriber.onSubscribe(created[0]);
    }

    void remove(FeedSubscription subscription) {
        boolean[] removed = new boolean[1];
        feeds.computeIfPresent(subscription.feed().session, (id, feed) -> {
            removed[0] = feed.subscribers.remove(subscription);
            return feed.subscribers.isEmpty() ? null : feed;
        });
        if (removed[0]) {
            subscriptions.decrementAndGet();
        }
    }

    /** Events of {@code session} up to {@code seq} are committed. */
    void signal(SessionId session, long seq) {
        committed.run();
        SessionFeed feed = feeds.get(session);
        if (feed != null) {
            feed.signal(seq);
        }
    }

    void onCommitted(Runnable listener) {
        committed = listener;
    }

    void signal(Map<SessionId, Long> lastSeqs) {
        lastSeqs.forEach(this::signal);
    }

    /**
     * Hands an ephemeral item to every local subscriber of its session, after the stored events
     * known here; returns that seq (-1 without local subscribers), which the relay passes on.
     */
    long publish(StreamItem item) {
        return publish(item, 0);
    }

    /** The same, after at least the stored event {@code afterSeq} (an item from another replica). */
    long publish(StreamItem item, long afterSeq) {
        SessionFeed feed = feeds.get(item.sessionId());
        if (feed == null) {
            return -1;
        }
        long after = Math.max(afterSeq, feed.knownSeq());
        for (FeedSubscription subscriber : feed.subscribers) {
            subscriber.offer(item, after);
        }
        return after;
    }

    Set<SessionId> sessions() {
        return Set.copyOf(feeds.keySet());
    }

    int subscriptions() {
        return subscriptions.get();
    }

    int readBatchSize() {
        return readBatchSize;
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    /** Reads what follows {@code afterSeq} for a feed's pump. */
    List<StreamItem> readQueued(SessionId session, long afterSeq) throws InterruptedException {
        return items(session, table.readAfterQueued(session, afterSeq, readBatchSize));
    }

    long lastSeq(SessionId session) {
        return table.lastSeq(session);
    }

    /** Starts reading a page for one subscriber in the background. */
    CompletableFuture<Page> readPageAsync(SessionId session, long afterSeq, int limit) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return readPage(session, afterSeq, limit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, executor);
    }

    /** Reads a page for one subscriber, with the session's last seq. */
    Page readPage(SessionId session, long afterSeq, int limit) throws InterruptedException {
        EventTable.Page page = table.readPageQueued(session, afterSeq, limit);
        return new Page(items(session, page.rows()), page.lastSeq());
    }

    private List<StreamItem> items(SessionId session, List<EventRow> rows) {
        List<StreamItem> items = new ArrayList<>(rows.size());
        Instant lastTime = null;
        String lastTimeText = null;
        for (EventRow row : rows) {
            if (!row.time().equals(lastTime)) {
                // events appended together share their time: format it once
                lastTime = row.time();
                lastTimeText = lastTime.toString();
            }
            byte[] wire = json.envelopeUtf8(session, row.seq(), row.type(), lastTimeText, row.data());
            items.add(StreamItem.lazy(session, row.seq(), row.type(), wire, () -> (LoggedEvent) json.read(wire)));
        }
        return items;
    }

    /** Completes every current subscription after what it was already delivered. */
    void completeAll() {
        for (SessionFeed feed : feeds.values()) {
            for (FeedSubscription subscription : feed.subscribers) {
                subscription.complete();
            }
        }
    }

    /** Completes every subscription and stops the feeds' threads. */
    @Override
    public void close() {
        completeAll();
        executor.shutdown();
    }
}
