package dev.opencomputer.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings that override the client's defaults for one logical call (all its retries).
 *
 * @param idempotencyKey the {@code Idempotency-Key} to send with a POST instead of a generated one;
 *                       reuse it to safely repeat a call whose outcome you did not learn (the server
 *                       replays the first answer for 24 hours). Null means "generate one".
 * @param timeout        the timeout of each attempt, or null for the client's
 * @param maxRetries     how many times to retry, or null for the client's
 */
public record RequestOptions(String idempotencyKey, Duration timeout, Integer maxRetries) {

    /** The client's defaults. */
    public static final RequestOptions DEFAULT = new RequestOptions(null, null, null);

    public RequestOptions {
        if (idempotencyKey != null && !idempotencyKey.matches("[\\x21-\\x7e]{1,255}")) {
            throw new IllegalArgumentException("an idempotency key is 1 to 255 visible ASCII characters");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (maxRetries != null && maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link RequestOptions}; unset fields fall back to the client's settings. */
    public static final class Builder {
        private String idempotencyKey;
        private Duration timeout;
        private Integer maxRetries;

        private Builder() {
        }

        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public RequestOptions build() {
            return new RequestOptions(idempotencyKey, timeout, maxRetries);
        }
    }
}
