package dev.opencomputer.sdk.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to retry and how long to wait: capped exponential backoff with "equal jitter" (half the
 * capped delay fixed, half random), unless the server named a wait in {@code Retry-After}, which is
 * honoured exactly up to {@code maxRetryAfter}. A longer requested wait ends the retries, so a
 * blocking call never stalls for longer than the caller configured.
 *
 * @param maxRetries    retries after the first attempt
 * @param initialDelay  the delay before the first retry, before jitter
 * @param maxDelay      the cap of the exponential delay
 * @param maxRetryAfter the longest server-requested wait the client sits through
 * @param random        the jitter source (injected so tests can fix it)
 */
public record RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter,
        RandomGenerator random) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative");
        }
        Objects.requireNonNull(random, "random");
        requirePositive(initialDelay, "initialDelay");
        requirePositive(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("maxRetryAfter must not be negative");
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** This policy with another retry budget. */
    public RetryPolicy withMaxRetries(int retries) {
        return new RetryPolicy(retries, initialDelay, maxDelay, maxRetryAfter, random);
    }

    /**
     * The wait before retry number {@code retry} (0 for the first retry): {@code initialDelay * 2^retry}
     * capped at {@code maxDelay}, of which the upper half is random.
     */
    public Duration backoff(int retry) {
        long capped = maxDelay.toNanos();
        long base = initialDelay.toNanos();
        for (int i = 0; i < retry && base < capped; i++) {
            base = base > capped / 2 ? capped : base * 2;
        }
        base = Math.min(base, capped);
        long half = base / 2;
        return Duration.ofNanos(base - half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }

    /**
     * Parses a {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). A date in
     * the past means "now"; anything unparseable is ignored.
     */
    public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.strip();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException | ArithmeticException e) {
                return Optional.empty();
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
