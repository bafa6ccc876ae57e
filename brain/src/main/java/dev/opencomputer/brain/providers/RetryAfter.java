package dev.opencomputer.brain.providers;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads a provider's {@code retry-after-ms} / {@code retry-after} response headers. */
final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * How long the provider asked to wait: {@code retry-after-ms} (milliseconds) when present and
     * valid, else {@code retry-after} (seconds, or an HTTP date counted from {@code clock}).
     */
    public static Optional<Duration> parse(String retryAfterMs, String retryAfter, Clock clock) {
        Optional<Duration> millis = number(retryAfterMs).map(ms -> Duration.ofNanos(Math.round(ms * 1_000_000)));
        if (millis.isPresent()) {
            return millis;
        }
        if (retryAfter == null || retryAfter.isBlank()) {
            return Optional.empty();
        }
        Optional<Duration> seconds = number(retryAfter).map(s -> Duration.ofNanos(Math.round(s * 1_000_000_000)));
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(retryAfter.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> number(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            double value = Double.parseDouble(text.strip());
            return Double.isFinite(value) && value >= 0 ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
