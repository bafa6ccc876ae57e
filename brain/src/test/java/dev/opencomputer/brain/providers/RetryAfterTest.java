package dev.opencomputer.brain.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void readsRetryAfterInMillisecondsSecondsOrAsADate() {
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

        assertThat(RetryAfter.parse("1500", "9", clock)).hasValue(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse(null, "2", clock)).hasValue(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse(null, "0.5", clock)).hasValue(Duration.ofMillis(500));
        assertThat(RetryAfter.parse(null, "Wed, 01 Jan 2025 00:00:30 GMT", clock)).hasValue(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("soon", "later", clock)).isEmpty();
    }
}
