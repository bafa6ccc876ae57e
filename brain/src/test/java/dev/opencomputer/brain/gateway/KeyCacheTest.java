package dev.opencomputer.brain.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.ApiKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyCacheTest {

    private final AtomicInteger reveals = new AtomicInteger();

    private ApiKey reveal() {
        reveals.incrementAndGet();
        return ApiKey.of("sk-test-" + reveals.get());
    }

    @Test
    void aKeyIsRevealedOncePerSessionAndCredentialWithinItsTime() {
        KeyCache cache = new KeyCache(Duration.ofMinutes(1));
        try (ApiKey first = cache.get("ses_a", "model-key", this::reveal);
             ApiKey second = cache.get("ses_a", "model-key", this::reveal);
             ApiKey other = cache.get("ses_b", "model-key", this::reveal);
             ApiKey otherCredential = cache.get("ses_a", "other-key", this::reveal)) {
            assertThat(second.reveal()).isEqualTo(first.reveal()).isEqualTo("sk-test-1");
            assertThat(other.reveal()).isEqualTo("sk-test-2");
            assertThat(otherCredential.reveal()).isEqualTo("sk-test-3");
        }
        assertThat(reveals).hasValue(3);
    }

    @Test
    void pastItsTimeTheKeyIsRevealedAgainAndForgettingASessionDropsItsKeys() throws Exception {
        KeyCache cache = new KeyCache(Duration.ofMillis(50));
        cache.get("ses_a", "model-key", this::reveal).close();
        Thread.sleep(80);
        try (ApiKey again = cache.get("ses_a", "model-key", this::reveal)) {
            assertThat(again.reveal()).isEqualTo("sk-test-2");
        }
        cache.get("ses_b", "model-key", this::reveal).close();
        cache.forget("ses_a");
        assertThat(cache.size()).isEqualTo(1);
        Thread.sleep(80);
        cache.get("ses_c", "model-key", this::reveal).close();
        assertThat(cache.size()).as("the expired entry of ses_b is wiped on the way").isEqualTo(1);
    }

    @Test
    void aBlankSecretIsNotHeld() {
        KeyCache cache = new KeyCache(Duration.ofMinutes(1));
        assertThat(cache.get("ses_a", "model-key", () -> null)).isNull();
        assertThat(cache.size()).isZero();
    }
}
