package dev.opencomputer.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void followsTheStandardScheduleAndThenGivesUp() {
        RetryPolicy policy = new RetryPolicy(WebhookProperties.STANDARD_SCHEDULE, 0, Duration.ofHours(1), () -> 0.5);
        assertThat(policy.attempts()).isEqualTo(10);
        assertThat(policy.first()).isZero();
        assertThat(policy.after(1, null)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.after(2, null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.after(9, null)).isEqualTo(Duration.ofHours(24));
        assertThat(policy.after(10, null)).isNull();
    }

    @Test
    void jitterVariesEachDelayWithinItsFraction() {
        RetryPolicy low = new RetryPolicy(WebhookProperties.STANDARD_SCHEDULE, 0.2, Duration.ofHours(1), () -> 0.0);
        RetryPolicy high = new RetryPolicy(WebhookProperties.STANDARD_SCHEDULE, 0.2, Duration.ofHours(1), () -> 0.999999);
        assertThat(low.after(1, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(high.after(1, null)).isBetween(Duration.ofMillis(5990), Duration.ofSeconds(6));
    }

    @Test
    void retryAfterIsHonouredUpToItsCap() {
        RetryPolicy policy = new RetryPolicy(WebhookProperties.STANDARD_SCHEDULE, 0, Duration.ofMinutes(10), () -> 0.5);
        assertThat(policy.after(1, Duration.ofSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        assertThat(policy.after(1, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.after(1, Duration.ofDays(3))).isEqualTo(Duration.ofMinutes(10));
    }
}
