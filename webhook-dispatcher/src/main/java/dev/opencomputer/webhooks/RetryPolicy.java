package dev.opencomputer.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When the next attempt of a message is due: the schedule's delay before attempt {@code n + 1},
 * varied by the jitter, but never sooner than a (capped) {@code Retry-After}. After the last
 * scheduled attempt there is none: the message is dead.
 */
public final class RetryPolicy {

    private final List<Duration> schedule;
    private final double jitter;
    private final Duration retryAfterCap;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1), injected so tests can fix it */
    public RetryPolicy(List<Duration> schedule, double jitter, Duration retryAfterCap, DoubleSupplier random) {
        this.schedule = List.copyOf(schedule);
        this.jitter = jitter;
        this.retryAfterCap = retryAfterCap;
        this.random = random;
    }

    public static RetryPolicy of(WebhookProperties properties) {
        return new RetryPolicy(properties.retrySchedule(), properties.jitter(), properties.retryAfterCap(),
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** How many attempts a message gets. */
    public int attempts() {
        return schedule.size();
    }

    /** The delay before the first attempt. */
    public Duration first() {
        return jittered(schedule.getFirst());
    }

    /**
     * The delay after failed attempt {@code attempt} (1-based) before the next, or null when it
     * was the last.
     *
     * @param retryAfter the receiver's {@code Retry-After}, or null
     */
    public Duration after(int attempt, Duration retryAfter) {
        if (attempt >= schedule.size()) {
            return null;
        }
        Duration delay = jittered(schedule.get(attempt));
        if (retryAfter != null) {
            Duration asked = retryAfter.compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter;
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return delay;
    }

    private Duration jittered(Duration delay) {
        if (delay.isZero() || jitter == 0) {
            return delay;
        }
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos((long) (delay.toNanos() * factor));
    }
}
