package dev.opencomputer.brain;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failed model call again: only {@linkplain ModelFailure#retryable() retryable}
 * failures, at most {@code maxAttempts} calls in all, waiting exactly the provider's retry-after
 * when it gave one (giving up when it asks for more than {@code maxRetryAfter}), else an
 * exponential backoff from {@code initialBackoff} capped at {@code maxBackoff}, with jitter.
 *
 * <p>It only computes the wait; the caller waits (cancellably) and records what it does.
 */
public record ModelRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
        Duration maxRetryAfter) {

    public ModelRetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff and maxRetryAfter >= 0");
        }
    }

    /** 5 attempts, backoff 1 s doubling up to 60 s, honouring retry-after up to 5 minutes. */
    public static ModelRetryPolicy defaults() {
        return new ModelRetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5));
    }

    /** Never retries. */
    public static ModelRetryPolicy none() {
        return new ModelRetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The wait before the next attempt, or empty to give up.
     *
     * @param attempts how many calls have been made so far (1 after the first failure)
     * @param failure  how the last one failed
     */
    public Optional<Duration> delayAfter(int attempts, ModelCallException failure, RandomGenerator random) {
        if (!failure.retryable() || attempts >= maxAttempts) {
            return Optional.empty();
        }
        Optional<Duration> asked = failure.retryAfter();
        if (asked.isPresent()) {
            return asked.get().compareTo(maxRetryAfter) <= 0 ? asked : Optional.empty();
        }
        long initial = initialBackoff.toMillis();
        long backoff = Math.min(maxBackoff.toMillis(), initial << Math.min(30, Math.max(0, attempts - 1)));
        long half = backoff / 2;
        return Optional.of(Duration.ofMillis(half + (half > 0 ? random.nextLong(half + 1) : 0)));
    }
}
