package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import java.util.ArrayDeque;
import java.util.List;
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
 */
final class FeedSubscription implements Flow.Subscription {

    private static final int COPY_CHUNK = 64;

    private final SessionFeed feed;
    private final SessionFeeds feeds;
    private final Flow.Subscriber<? super StreamItem> subscriber;
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
    /** Rows of the last catch-up read not delivered yet; touched only by the drain loop. */
    private ArrayDeque<StreamItem> page;
    /** Ephemeral items and the seq each must follow; guarded by itself. */
    private final ArrayDeque<Ephemeral> ephemeral = new ArrayDeque<>();

    private record Ephemeral(StreamItem item, long afterSeq) {
    }

    FeedSubscription(SessionFeed feed, SessionFeeds feeds, Flow.Subscriber<? super StreamItem> subscriber,
            long afterSeq, int ephemeralCapacity) {
        this.feed = feed;
        this.feeds = feeds;
        this.subscriber = subscriber;
        this.cursor = afterSeq;
        this.ephemeralCapacity = ephemeralCapacity;
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

    /** The feed read new events: deliver them if wanted. */
    void wake() {
        if (demand.get() > 0 && cursor < feed.fetchedSeq()) {
            schedule();
        }
    }

    /** Queues an ephemeral item to follow the stored event {@code afterSeq}. */
    void offer(StreamItem item, long afterSeq) {
        synchronized (ephemeral) {
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
        StreamItem[] chunk = null;
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
            StreamItem next = nextEphemeral();
            if (next == null && page != null) {
                next = page.pollFirst();
                if (page.isEmpty()) {
                    page = null;
                }
            }
            if (next != null) {
                emit(next);
                continue;
            }
            if (!caughtUp && joinsFeedWithoutReading()) {
                caughtUp = true;
            }
            if (caughtUp) {
                if (chunk == null) {
                    chunk = new StreamItem[COPY_CHUNK];
                }
                int copied = feed.copyRecent(cursor, chunk, (int) Math.min(demand.get(), COPY_CHUNK));
                if (copied > 0) {
                    for (int k = 0; k < copied && !cancelled; k++) {
                        emit(chunk[k]);
                        chunk[k] = null;
                    }
                    continue;
                }
                if (cursor >= feed.fetchedSeq()) {
                    return; // the pump wakes us when it has read what follows
                }
            }
            // Catching up, or fallen behind the feed's recent events: read the table ourselves.
            SessionFeeds.Page read = feeds.readPage(feed.session, cursor);
            List<StreamItem> rows = read.items();
            long end = rows.isEmpty() ? cursor : rows.getLast().seq();
            if (read.lastSeq() >= 0 && end >= read.lastSeq()) {
                caughtUp = true;
                feed.caughtUpAt(read.lastSeq());
            }
            if (rows.isEmpty()) {
                return;
            }
            page = new ArrayDeque<>(rows);
        }
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
        synchronized (ephemeral) {
            Ephemeral head = ephemeral.peekFirst();
            if (head != null && head.afterSeq() <= cursor && page == null) {
                ephemeral.pollFirst();
                return head.item();
            }
            return null;
        }
    }

    private void emit(StreamItem item) {
        if (item.isStored()) {
            if (item.seq() != cursor + 1) {
                // Never deliver a gap or a duplicate; drop stale rows (a duplicate) and fail loudly on a gap.
                if (item.seq() <= cursor) {
                    return;
                }
                throw new IllegalStateException("gap in " + feed.session + ": expected seq " + (cursor + 1)
                        + " but read " + item.seq());
            }
            cursor = item.seq();
        }
        demand.decrementAndGet();
        subscriber.onNext(item);
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
