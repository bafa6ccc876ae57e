package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.SessionId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live side of one session on this replica: its local subscribers, the highest seq known to
 * be committed (from local appends, NOTIFY and polling), and the recent events read once for all
 * subscribers by a single pump. Wake-ups only raise the known seq and start the pump; the pump
 * reads whatever follows from the table, so a lost or coalesced wake-up loses nothing.
 */
final class SessionFeed {

    private static final Logger log = LoggerFactory.getLogger(SessionFeed.class);

    final SessionId session;
    final Set<FeedSubscription> subscribers = ConcurrentHashMap.newKeySet();
    private final SessionFeeds feeds;
    private final RecentEvents recent;
    private final AtomicLong knownSeq = new AtomicLong();
    private final AtomicInteger pumpWork = new AtomicInteger();
    /**
     * The last seq the pump has read; -1 until the feed knows where the log ends (from its own
     * look-up when it is created, or from a subscriber that caught up).
     */
    private volatile long fetchedSeq = -1;
    /** Whether the feed is still looking up where the log ends: new subscribers wait for it. */
    private volatile boolean locating = true;

    SessionFeed(SessionId session, SessionFeeds feeds, int recentEvents, long recentBytes) {
        this.session = session;
        this.feeds = feeds;
        this.recent = new RecentEvents(recentEvents, recentBytes);
    }

    long knownSeq() {
        return knownSeq.get();
    }

    long fetchedSeq() {
        return fetchedSeq;
    }

    /** Whether subscribers should wait for the feed to learn where the log ends rather than read it themselves. */
    boolean locating() {
        return locating && fetchedSeq < 0;
    }

    /**
     * Looks up where the log ends, once, when the feed is created: subscribers that start there
     * (a reconnect storm at the head of the log) then follow the feed without a read each.
     */
    void locate() {
        try {
            long lastSeq = feeds.lastSeq(session);
            if (lastSeq >= 0) {
                caughtUpAt(lastSeq);
            }
        } catch (RuntimeException e) {
            log.warn("cannot look up the last seq of {}: {}", session, e.toString());
        } finally {
            locating = false;
            for (FeedSubscription subscriber : subscribers) {
                subscriber.resume();
            }
        }
    }

    /** Events up to {@code seq} are committed. */
    void signal(long seq) {
        long known = knownSeq.accumulateAndGet(seq, Math::max);
        long fetched = fetchedSeq;
        if (fetched >= 0 && known > fetched) {
            schedulePump();
        }
    }

    /** A subscriber read the table up to {@code seq} and found nothing after it. */
    void caughtUpAt(long seq) {
        knownSeq.accumulateAndGet(seq, Math::max);
        synchronized (this) {
            if (fetchedSeq >= 0) {
                return;
            }
            fetchedSeq = seq;
        }
        if (knownSeq.get() > seq) {
            schedulePump();
        }
    }

    int copyRecent(long afterSeq, StreamItem[] out, int max) {
        return recent.copyAfter(afterSeq, out, max);
    }

    private void schedulePump() {
        if (pumpWork.getAndIncrement() == 0) {
            feeds.execute(this::pump);
        }
    }

    private void pump() {
        int missed = 1;
        do {
            try {
                while (fetchedSeq >= 0 && knownSeq.get() > fetchedSeq && !subscribers.isEmpty()) {
                    List<StreamItem> items = feeds.readQueued(session, fetchedSeq);
                    if (items.isEmpty()) {
                        break;
                    }
                    recent.addAll(items);
                    fetchedSeq = items.getLast().seq();
                    knownSeq.accumulateAndGet(fetchedSeq, Math::max);
                    for (FeedSubscription subscriber : subscribers) {
                        subscriber.wake();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The next wake-up or safety poll starts the pump again; subscribers that are
                // behind read the table on their own meanwhile.
                log.warn("cannot read new events of {}: {}", session, e.toString());
            }
            missed = pumpWork.addAndGet(-missed);
        } while (missed != 0);
    }
}
