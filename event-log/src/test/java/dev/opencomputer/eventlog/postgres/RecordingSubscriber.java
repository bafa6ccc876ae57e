package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/** Records what a subscription delivers and lets a test wait for it, with a deadline. */
final class RecordingSubscriber implements Flow.Subscriber<StreamItem> {

    private final long initialRequest;
    private final List<StreamItem> items = new ArrayList<>();
    private volatile Flow.Subscription subscription;
    private Throwable error;
    private boolean completed;

    RecordingSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    static RecordingSubscriber unbounded() {
        return new RecordingSubscriber(Long.MAX_VALUE);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (initialRequest > 0) {
            subscription.request(initialRequest);
        }
    }

    @Override
    public synchronized void onNext(StreamItem item) {
        items.add(item);
        notifyAll();
    }

    @Override
    public synchronized void onError(Throwable throwable) {
        error = throwable;
        notifyAll();
    }

    @Override
    public synchronized void onComplete() {
        completed = true;
        notifyAll();
    }

    void request(long n) {
        subscription.request(n);
    }

    void cancel() {
        subscription.cancel();
    }

    synchronized List<StreamItem> items() {
        return List.copyOf(items);
    }

    /** The seqs of the stored items delivered so far, in delivery order. */
    synchronized List<Long> storedSeqs() {
        return items.stream().filter(StreamItem::isStored).map(StreamItem::seq).toList();
    }

    synchronized boolean completed() {
        return completed;
    }

    /** Waits until at least {@code count} stored items arrived; returns their seqs (fails on error or timeout). */
    synchronized List<Long> awaitStored(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (storedSeqs().size() < count) {
            if (error != null) {
                throw new AssertionError("subscription failed", error);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + storedSeqs().size() + " of " + count + " stored events arrived in "
                        + timeout + "; last: " + (items.isEmpty() ? "none" : items.getLast().seq()));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return storedSeqs();
    }

    /** Waits until {@code count} items of any kind arrived. */
    synchronized List<StreamItem> awaitItems(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (items.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + items.size() + " of " + count + " items arrived: " + items);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(items);
    }

    /** Waits until the subscription completed. */
    synchronized void awaitCompletion(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!completed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the subscription did not complete");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
