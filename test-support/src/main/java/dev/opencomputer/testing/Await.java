package dev.opencomputer.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something to become true with a deadline, for tests that watch an asynchronous
 * system (a brain, a stream, a container). The one copy every integration test uses.
 */
public final class Await {

    private static final Duration EVERY = Duration.ofMillis(20);

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it does not within {@code limit}. */
    public static void until(Duration limit, String what, BooleanSupplier condition) {
        value(limit, what, condition::getAsBoolean, Boolean::booleanValue);
    }

    /**
     * Returns once {@code condition} holds; fails with the description {@code what} gives at that moment
     * (say, the state seen) when it does not within {@code limit}.
     */
    public static void until(Duration limit, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + limit + " waiting until " + what.get());
            }
            LockSupport.parkNanos(EVERY.toNanos());
        }
    }

    /**
     * Probes until {@code done} accepts what {@code probe} returns, and returns that value;
     * fails with the last value seen when {@code limit} passes first.
     */
    public static <T> T value(Duration limit, String what, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        T seen = probe.get();
        while (!done.test(seen)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + limit + " waiting until " + what + "; last seen " + seen);
            }
            LockSupport.parkNanos(EVERY.toNanos());
            seen = probe.get();
        }
        return seen;
    }
}
