package dev.opencomputer.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    /** A random source stuck at one end of its range. */
    private static RandomGenerator fixed(boolean top) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return top ? bound - 1 : 0;
            }
        };
    }

    private static RetryPolicy policy(boolean top) {
        return new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(60), fixed(top));
    }

    @Test
    void theDelayDoublesPerRetryUntilTheCap() {
        var highest = policy(true);
        assertThat(highest.backoff(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(highest.backoff(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(highest.backoff(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(highest.backoff(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(highest.backoff(4)).isEqualTo(Duration.ofMillis(1000));
        assertThat(highest.backoff(60)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void jitterTakesAtMostTheUpperHalfOfTheDelay() {
        var lowest = policy(false);
        assertThat(lowest.backoff(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(lowest.backoff(10)).isEqualTo(Duration.ofMillis(500));
        var real = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO,
                RandomGenerator.getDefault());
        for (int i = 0; i < 1000; i++) {
            assertThat(real.backoff(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        var clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryPolicy.parseRetryAfter("7", clock)).contains(Duration.ofSeconds(7));
        assertThat(RetryPolicy.parseRetryAfter(" 0 ", clock)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("Sun, 01 Mar 2026 12:00:30 GMT", clock)).contains(Duration.ofSeconds(30));
        assertThat(RetryPolicy.parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("soon", clock)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("-3", clock)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("99999999999999999999999", clock)).isEmpty();
    }
}
