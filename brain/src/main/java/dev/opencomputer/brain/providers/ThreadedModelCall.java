package dev.opencomputer.brain.providers;

import dev.opencomputer.brain.ModelCall;
import dev.opencomputer.brain.ModelCallException;
import dev.opencomputer.brain.ModelFailure;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.ModelResponse;
import dev.opencomputer.brain.ModelStreamListener;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelCall} that runs a blocking SDK call on its own virtual thread; the shared
 * machinery of the SDK adapters.
 *
 * <p>Cancelling or timing out completes the call at once and then tears the exchange down: the
 * worker thread is interrupted (a virtual thread blocked in socket I/O has its socket closed) and
 * any stream the adapter registered with {@link #closeOnAbandon} is closed. Whatever the worker
 * produces afterwards is dropped.
 */
final class ThreadedModelCall implements ModelCall {

    private static final Logger log = LoggerFactory.getLogger(ThreadedModelCall.class);

    /** The blocking work: one SDK call, returning the complete response. */
    @FunctionalInterface
    public interface Body {
        ModelResponse run(ThreadedModelCall call) throws Exception;
    }

    /** Turns whatever the SDK threw into a classified failure. */
    @FunctionalInterface
    public interface Classifier {
        ModelCallException classify(Throwable failure);
    }

    private final ModelProvider provider;
    private final Duration timeout;
    private final ModelStreamListener listener;
    private final CompletableFuture<ModelResponse> result = new CompletableFuture<>();
    private final AtomicReference<AutoCloseable> resource = new AtomicReference<>();
    private final AtomicBoolean listenerFailed = new AtomicBoolean();
    private volatile Thread worker;

    private ThreadedModelCall(ModelProvider provider, Duration timeout, ModelStreamListener listener) {
        this.provider = provider;
        this.timeout = timeout;
        this.listener = listener;
    }

    /** Starts {@code body} on a new virtual thread, failing it after {@code timeout}. */
    public static ThreadedModelCall start(ModelProvider provider, Duration timeout, ModelStreamListener listener,
            Body body, Classifier classifier) {
        ThreadedModelCall call = new ThreadedModelCall(Objects.requireNonNull(provider), Objects.requireNonNull(timeout),
                listener == null ? ModelStreamListener.NONE : listener);
        Thread thread = Thread.ofVirtual().name("model-call-" + provider.wireName()).unstarted(() -> call.run(body,
                classifier));
        call.worker = thread;
        call.result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        call.result.whenComplete((response, failure) -> {
            Thread running = call.worker;
            if (failure != null && running != null && Thread.currentThread() != running) {
                call.abandon();
            }
        });
        thread.start();
        return call;
    }

    private void run(Body body, Classifier classifier) {
        try {
            result.complete(body.run(this));
        } catch (Throwable failure) {
            if (!result.isDone()) {
                result.completeExceptionally(classifier.classify(failure));
            }
        } finally {
            resource.set(null);
            worker = null;
        }
    }

    /** Passes a text delta to the listener, unless the call is already over. */
    public void deliverText(String text) {
        if (!result.isDone() && !text.isEmpty()) {
            try {
                listener.onTextDelta(text);
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    /** Passes a thinking delta to the listener, unless the call is already over. */
    public void deliverThinking(String text) {
        if (!result.isDone() && !text.isEmpty()) {
            try {
                listener.onThinkingDelta(text);
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    private void listenerFailed(RuntimeException e) {
        if (listenerFailed.compareAndSet(false, true)) {
            log.warn("a {} stream listener failed; further failures of this call are not logged", provider, e);
        }
    }

    /** Registers the open response stream, closed if the call is abandoned. */
    public void closeOnAbandon(AutoCloseable stream) {
        resource.set(stream);
        if (result.isDone() && resource.compareAndSet(stream, null)) {
            closeQuietly(stream);
        }
    }

    /** Whether the caller stopped waiting (cancelled or timed out): stop reading and return. */
    public boolean abandoned() {
        return result.isDone();
    }

    @Override
    public ModelResponse await() throws ModelCallException, InterruptedException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            cancel();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ModelCallException failure) {
                throw failure;
            }
            if (cause instanceof TimeoutException) {
                throw new ModelCallException(provider, ModelFailure.TIMEOUT,
                        provider + ": no complete response within " + timeout, 0, null, null);
            }
            throw new ModelCallException(provider, ModelFailure.OTHER, provider + ": the call failed: " + cause,
                    0, null, cause);
        }
    }

    @Override
    public void cancel() {
        result.completeExceptionally(new ModelCallException(provider, ModelFailure.CANCELLED,
                provider + ": the call was cancelled", 0, null, null));
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    private void abandon() {
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
        }
        AutoCloseable stream = resource.getAndSet(null);
        if (stream != null) {
            closeQuietly(stream);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // the exchange is being abandoned; a failure to close it changes nothing
        }
    }
}
