package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One subscriber's view of a session: a cursor (the last seq delivered) and the subscriber's
 * demand. Everything it delivers comes from the table, either read by itself (catching up, or
 * when it fell behind the session's recent events) or read once by the feed's pump for every
 * subscriber. Signals are serialized by a work-in-progress counter and run on virtual threads,
 * never on the caller of {@link #request}. It holds no event it was not asked for, except one
 * page of a catch-up read and a bounded queue of ephemeral events, so a slow subscriber costs
 * memory only for its own page and never holds up appends or other subscribers.
 *
 * <p>It delivers single items ({@code maxBatch} 0) or lists of up to {@code maxBatch} items.
 */
final class FeedSubscription implements Flow.Subscription {

    private static final int COPY_CHUNK = 64;

    private final SessionFeed feed;
    private final SessionFeeds feeds;
    private final Flow.Subscriber<Object> subscriber;
    private final int maxBatch;
    private final int ephemeralCapacity;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger work = new AtomicInteger();
    /** The last seq delivered; written only by the drain loop. */
    private volatile long cursor;
    private volatile boolean cancelled;
    private volatile boolean completing;
    private volatile Throwable failure;
    private boolean done;
    private boolean caughtUp;
    /** Draining on the feed pump's thread: deliver only what is in memory, never read the table. */
    private volatile boolean inline;
    /** An inline drain stopped where it would have read the table: continue on a thread of our own. */
    private volatile boolean deferred;
    /** Rows of the last catch-up read not delivered yet; touched only by the drain loop. */
    private ArrayDeque<StreamItem> page;
    /**
     * While catching up, the read of the page after {@code nextPageAfter}, started as soon as
     * the current page was full so that reading the table overlaps delivering; touched only by
     * the drain loop.
     */
    private CompletableFuture<SessionFeeds.Page> nextPage;
    private long nextPageAfter;
    /**
     * Rows per catch-up read: starts at the configured batch size and doubles (up to eight times
     * that) while this subscriber keeps waiting for the table, i.e. takes pages faster than they
     * are read; a slow subscriber keeps small pages.
     */
    private int pageSize;
    /** Ephemeral items and the seq each must follow, created on first use; guarded by {@code this}. */
    private ArrayDeque<Ephemeral> ephemeral;

    private record Ephemeral(StreamItem item, long afterSeq) {
    }

    @SuppressWarnings("unchecked")
    FeedSubscription(SessionFeed feed, SessionFeeds feeds, Flow.Subscriber<?> subscriber, long afterSeq,
            int maxBatch, int ephemeralCapacity) {
        this.feed = feed;
        this.feeds = feeds;
        this.subscriber = (Flow.Subscriber<Object>) subscriber;
        this.cursor = afterSeq;
        this.maxBatch = maxBatch;
        this.ephemeralCapacity = ephemeralCapacity;
        this.pageSize = feeds.readBatchSize();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            failure = new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)");
            schedule();
            return;
        }
        demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        schedule();
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            feeds.remove(this);
        }
    }

    /**
     * The feed's pump read new events: deliver them if wanted, right here on the pump's thread
     * when nobody else is delivering (the common case of a caught-up subscriber, which takes
     * them from memory), so that a fan-out to thousands of subscribers costs no thread per
     * subscriber. Anything that would read the table is handed to a thread of its own.
     */
    void wake() {
        if (demand.get() == 0 || cursor >= feed.fetchedSeq()) {
            return;
        }
        if (work.getAndIncrement() != 0) {
            return; // someone is delivering and will look again
        }
        inline = true;
        try {
            drain();
        } finally {
            inline = false;
        }
        if (deferred) {
            deferred = false;
            schedule();
        }
    }

    /** Looks again for something to deliver (the feed learned where the log ends). */
    void resume() {
        schedule();
    }

    /** Queues an ephemeral item to follow the stored event {@code afterSeq}. */
    void offer(StreamItem item, long afterSeq) {
        synchronized (this) {
            if (ephemeral == null) {
                ephemeral = new ArrayDeque<>();
            }
            if (ephemeral.size() >= ephemeralCapacity) {
                ephemeral.pollFirst();
            }
            ephemeral.addLast(new Ephemeral(item, afterSeq));
        }
        schedule();
    }

    /** Ends the subscription normally after what was already delivered (the log is closing). */
    void complete() {
        completing = true;
        schedule();
    }

    SessionFeed feed() {
        return feed;
    }

    private void schedule() {
        if (work.getAndIncrement() == 0) {
            feeds.execute(this::drain);
        }
    }

    private void drain() {
        int missed = 1;
        do {
            if (!done) {
                try {
                    deliver();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail(e);
                } catch (RuntimeException e) {
                    fail(e);
                }
            }
            missed = work.addAndGet(-missed);
        } while (missed != 0);
    }

    private void deliver() throws InterruptedException {
        while (!cancelled) {
            if (failure != null) {
                fail(failure);
                return;
            }
            if (completing) {
                done = true;
                feeds.remove(this);
                subscriber.onComplete();
                return;
            }
            if (demand.get() == 0) {
                return;
            }
            List<StreamItem> ready = take(Math.max(1, maxBatch));
            if (ready.isEmpty()) {
                return;
            }
            demand.decrementAndGet();
            subscriber.onNext(maxBatch == 0 ? ready.getFirst() : ready);
        }
    }

    /**
     * Up to {@code max} items that can be delivered now, advancing the cursor over the stored
     * ones; reads the table only when nothing else is ready. Empty when there is nothing to
     * deliver until the next wake-up.
     */
    private List<StreamItem> take(int max) throws InterruptedException {
        List<StreamItem> ready = new ArrayList<>(Math.min(max, 16));
        StreamItem[] chunk = null;
        while (ready.size() < max && !cancelled) {
            StreamItem next = nextEphemeral();
            if (next == null && page != null) {
                next = page.pollFirst();
                if (page.isEmpty()) {
                    page = null;
                }
            }
            if (next != null) {
                add(ready, next);
                continue;
            }
            if (!caughtUp) {
                if (joinsFeedWithoutReading()) {
                    caughtUp = true;
                } else if (cursor > 0 && feed.locating()) {
                    break; // the feed is about to learn where the log ends, and resumes us
                }
            }
            if (caughtUp) {
                if (chunk == null) {
                    chunk = new StreamItem[Math.min(COPY_CHUNK, max)];
                }
                int copied = feed.copyRecent(cursor, chunk, Math.min(chunk.length, max - ready.size()));
                if (copied > 0) {
                    for (int k = 0; k < copied; k++) {
                        add(ready, chunk[k]);
                        chunk[k] = null;
                    }
                    continue;
                }
                if (cursor >= feed.fetchedSeq()) {
                    break; // the pump wakes us when it has read what follows
                }
            }
            if (!ready.isEmpty()) {
                break; // deliver what is ready before reading more
            }
            if (inline) {
                deferred = true; // never read the table on the pump's thread
                break;
            }
            // Catching up, or fallen behind the feed's recent events: read the table ourselves.
            SessionFeeds.Page read = readPage();
            List<StreamItem> rows = read.items();
            long end = rows.isEmpty() ? cursor : rows.getLast().seq();
            if (read.lastSeq() >= 0 && end >= read.lastSeq()) {
                caughtUp = true;
                feed.caughtUpAt(read.lastSeq());
            }
            if (rows.isEmpty()) {
                break;
            }
            page = new ArrayDeque<>(rows);
            if (rows.size() >= feeds.readBatchSize() && !caughtUp) {
                long after = rows.getLast().seq();
                nextPageAfter = after;
                nextPage = feeds.readPageAsync(feed.session, after, pageSize);
            }
        }
        return ready;
    }

    /** The page after the cursor: the one read ahead when it starts there, else read now. */
    private SessionFeeds.Page readPage() throws InterruptedException {
        CompletableFuture<SessionFeeds.Page> ahead = nextPage;
        nextPage = null;
        if (ahead != null && nextPageAfter == cursor) {
            if (!ahead.isDone()) {
                pageSize = Math.min(pageSize * 2, feeds.readBatchSize() * 8);
            }
            try {
                return ahead.get();
            } catch (ExecutionException e) {
                // read it again below, and fail there if it still fails
            }
        }
        return feeds.readPage(feed.session, cursor, pageSize);
    }

    /**
     * Whether a new subscriber is already where the feed is (at its last read seq, or within its
     * recent events), so that it can follow the feed without a catch-up read of its own: what
     * makes a reconnect storm at the head of the log cheap.
     */
    private boolean joinsFeedWithoutReading() {
        long fetched = feed.fetchedSeq();
        if (fetched < 0) {
            return false;
        }
        if (cursor == fetched) {
            return true;
        }
        StreamItem[] probe = new StreamItem[1];
        return cursor < fetched && feed.copyRecent(cursor, probe, 1) == 1;
    }

    private StreamItem nextEphemeral() {
        synchronized (this) {
            if (ephemeral == null || page != null) {
                return null;
            }
            Ephemeral head = ephemeral.peekFirst();
            if (head != null && head.afterSeq() <= cursor) {
                ephemeral.pollFirst();
                return head.item();
            }
            return null;
        }
    }

    /** Adds an item to deliver, never a gap or a duplicate of a stored event. */
    private void add(List<StreamItem> ready, StreamItem item) {
        if (item.isStored()) {
            if (item.seq() <= cursor) {
                return; // a stale row (a duplicate): skip it
            }
            if (item.seq() != cursor + 1) {
                throw new IllegalStateException("gap in " + feed.session + ": expected seq " + (cursor + 1)
                        + " but read " + item.seq());
            }
            cursor = item.seq();
        }
        ready.add(item);
    }

    private void fail(Throwable error) {
        if (done) {
            return;
        }
        done = true;
        cancelled = true;
        feeds.remove(this);
        subscriber.onError(error);
    }
}
