package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class ModelRetryPolicyTest {

    private static final RandomGenerator NO_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };
    private final ModelRetryPolicy policy = new ModelRetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30));

    @Test
    void backsOffExponentiallyWithJitterUpToTheCap() {
        ModelCallException overloaded = failure(ModelFailure.OVERLOADED, null);

        assertThat(policy.delayAfter(1, overloaded, NO_JITTER)).hasValue(Duration.ofMillis(500));
        assertThat(policy.delayAfter(2, overloaded, NO_JITTER)).hasValue(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(3, overloaded, NO_JITTER)).hasValue(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(3, overloaded, RandomGenerator.getDefault()))
                .hasValueSatisfying(delay -> assertThat(delay).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4)));
    }

    @Test
    void waitsExactlyWhatTheProviderAskedFor() {
        assertThat(policy.delayAfter(1, failure(ModelFailure.RATE_LIMITED, Duration.ofSeconds(12)), NO_JITTER))
                .hasValue(Duration.ofSeconds(12));
    }

    @Test
    void givesUpWhenTheProviderAsksForTooLongAWait() {
        assertThat(policy.delayAfter(1, failure(ModelFailure.RATE_LIMITED, Duration.ofMinutes(2)), NO_JITTER))
                .isEmpty();
    }

    @Test
    void neverRetriesAPermanentFailureOrPastTheLastAttempt() {
        assertThat(policy.delayAfter(1, failure(ModelFailure.AUTHENTICATION, null), NO_JITTER)).isEmpty();
        assertThat(policy.delayAfter(4, failure(ModelFailure.SERVER_ERROR, null), NO_JITTER)).isEmpty();
        assertThat(ModelRetryPolicy.none().delayAfter(1, failure(ModelFailure.TIMEOUT, null), NO_JITTER)).isEmpty();
    }

    @Test
    void classifiesErrorStatusesOnce() {
        assertThat(ModelFailure.forStatus(429)).isEqualTo(ModelFailure.RATE_LIMITED);
        assertThat(ModelFailure.forStatus(529)).isEqualTo(ModelFailure.OVERLOADED);
        assertThat(ModelFailure.forStatus(502).retryable()).isTrue();
        assertThat(ModelFailure.forStatus(408).retryable()).isTrue();
        assertThat(ModelFailure.forStatus(413)).isEqualTo(ModelFailure.INVALID_REQUEST);
        assertThat(ModelFailure.forStatus(418).retryable()).isFalse();
        assertThat(ModelFailure.forErrorType("overloaded_error")).isEqualTo(ModelFailure.OVERLOADED);
    }

    private static ModelCallException failure(ModelFailure failure, Duration retryAfter) {
        return new ModelCallException(ModelProvider.ANTHROPIC, failure, "test", 0, retryAfter, null);
    }
}
