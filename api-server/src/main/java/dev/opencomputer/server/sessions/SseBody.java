package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.StreamItem;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Operators;

/**
 * The body of one SSE stream, written by hand instead of as a chain of Reactor operators: one
 * object per open stream is the response body's publisher and subscription, the event log
 * subscriber, the heartbeat listener and what the {@link StreamGuard} ends — so an idle stream
 * holds this object, its log subscription and its guard watch, and no operator queues.
 *
 * <p>What it writes, in order: the {@code retry:} message; then, as they come, the log's
 * batches (each encoded by {@code encode}, one write each), heartbeats while the log is open,
 * and — when the guard ends the stream or the log fails — one {@code event: error} message
 * (encoded by {@code error}) after which it completes. It completes when the log completes
 * (the log is closing). Like {@code Flux.merge} with a prefetch of one, it asks the log for the
 * next batch while the current one is being written; a heartbeat the client cannot take yet
 * waits (at most one).
 *
 * <p>Signals from the log, the heartbeat clock, the guard and the response are serialized by a
 * work-in-progress counter; whichever thread signals delivers, without blocking.
 */
final class SseBody implements Publisher<DataBuffer>, Subscription, Flow.Subscriber<List<StreamItem>>,
        Heartbeats.Listener, StreamGuard.Ending {

    /** What a stream starts: its log subscription, heartbeats and guard watch. */
    interface Start {
        /** Registers {@code body} for heartbeats and with the guard; returns how to undo both. */
        AutoCloseable watch(SseBody body);

        /** Subscribes {@code body} to the session's log. */
        void subscribe(SseBody body);
    }

    private static final AtomicLongFieldUpdater<SseBody> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(SseBody.class, "requested");
    private static final AtomicIntegerFieldUpdater<SseBody> WIP =
            AtomicIntegerFieldUpdater.newUpdater(SseBody.class, "wip");
    private static final AtomicReferenceFieldUpdater<SseBody, Throwable> PROBLEM =
            AtomicReferenceFieldUpdater.newUpdater(SseBody.class, Throwable.class, "problem");

    private final Start start;
    private final DataBufferFactory buffers;
    private final byte[] hello;
    private final byte[] heartbeat;
    private final Function<List<StreamItem>, byte[]> encode;
    private final Function<Throwable, byte[]> error;

    private volatile Subscriber<? super DataBuffer> downstream;
    private volatile long requested;
    private volatile int wip;
    /** The problem the stream ends on (first one wins). */
    private volatile Throwable problem;
    private volatile boolean cancelled;
    private volatile Flow.Subscription upstream;
    /** A batch from the log not written yet: at most one, as the log is asked for one at a time. */
    private volatile List<StreamItem> pending;
    /** The log was asked for a batch it has not delivered yet. */
    private volatile boolean awaiting;
    private volatile boolean upstreamDone;
    private volatile boolean beat;
    private volatile AutoCloseable watch;
    // touched only by the thread that holds the work-in-progress counter
    private boolean helloSent;
    private boolean terminated;
    private boolean released;

    SseBody(Start start, DataBufferFactory buffers, byte[] hello, byte[] heartbeat,
            Function<List<StreamItem>, byte[]> encode, Function<Throwable, byte[]> error) {
        this.start = start;
        this.buffers = buffers;
        this.hello = hello;
        this.heartbeat = heartbeat;
        this.encode = encode;
        this.error = error;
    }

    // the response body

    @Override
    public void subscribe(Subscriber<? super DataBuffer> subscriber) {
        if (downstream != null) {
            Operators.error(subscriber, new IllegalStateException("an SSE body is written once"));
            return;
        }
        downstream = subscriber;
        subscriber.onSubscribe(this);
        if (!cancelled) {
            watch = start.watch(this);
            start.subscribe(this);
        }
        drain();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            end(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)"));
            return;
        }
        Operators.addCap(REQUESTED, this, n);
        drain();
    }

    @Override
    public void cancel() {
        cancelled = true;
        drain();
    }

    // the log

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        upstream = subscription;
        drain();
    }

    @Override
    public void onNext(List<StreamItem> batch) {
        if (pending != null) {
            end(new IllegalStateException("the event log delivered a batch it was not asked for"));
            return;
        }
        pending = batch; // before awaiting is cleared: drain reads awaiting, then pending
        awaiting = false;
        drain();
    }

    @Override
    public void onError(Throwable failure) {
        upstreamDone = true;
        end(failure);
    }

    @Override
    public void onComplete() {
        upstreamDone = true;
        drain();
    }

    // heartbeats and the guard

    @Override
    public void beat() {
        beat = true;
        drain();
    }

    @Override
    public void end(Throwable problem) {
        PROBLEM.compareAndSet(this, null, problem);
        drain();
    }

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        do {
            Subscriber<? super DataBuffer> out = downstream;
            if (out != null && !terminated) {
                if (cancelled) {
                    terminated = true;
                    pending = null;
                    release();
                } else {
                    emit(out);
                }
            } else if (terminated) {
                release(); // a log subscription that arrived after the end
            }
            missed = WIP.addAndGet(this, -missed);
        } while (missed != 0);
    }

    private void emit(Subscriber<? super DataBuffer> out) {
        long wanted = requested;
        long sent = 0;
        if (!helloSent) {
            if (wanted == 0) {
                return;
            }
            helloSent = true;
            out.onNext(buffers.wrap(hello));
            sent++;
        }
        while (!cancelled) {
            Throwable ended = problem;
            if (ended != null) {
                if (sent == wanted) {
                    break;
                }
                terminated = true;
                pending = null;
                release();
                out.onNext(buffers.wrap(error.apply(ended)));
                out.onComplete();
                return;
            }
            boolean done = upstreamDone; // before pending: a batch always comes before the completion
            List<StreamItem> batch = pending;
            if (batch == null && done) {
                terminated = true;
                release();
                out.onComplete();
                return;
            }
            if (sent == wanted) {
                break;
            }
            if (batch != null) {
                pending = null;
                askForMore();
                out.onNext(buffers.wrap(encode.apply(batch)));
                sent++;
            } else if (beat) {
                beat = false;
                out.onNext(buffers.wrap(heartbeat));
                sent++;
            } else {
                break;
            }
        }
        if (sent != 0 && wanted != Long.MAX_VALUE) {
            REQUESTED.addAndGet(this, -sent);
        }
        if (!terminated && !cancelled) {
            askForMore();
        }
    }

    /** Asks the log for its next batch unless one is pending or asked for (a prefetch of one). */
    private void askForMore() {
        Flow.Subscription log = upstream;
        if (log != null && !upstreamDone && !awaiting && pending == null) {
            awaiting = true;
            log.request(1);
        }
    }

    /** Stops the heartbeats, the guard's watch and the log subscription; idempotent. */
    private void release() {
        if (!released) {
            AutoCloseable watching = watch;
            if (watching != null) {
                released = true;
                try {
                    watching.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        Flow.Subscription log = upstream;
        if (log != null && !upstreamDone) {
            upstreamDone = true;
            log.cancel();
        }
    }
}
