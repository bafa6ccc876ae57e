package dev.opencomputer.webhooks;

import java.time.Duration;
import java.util.List;

/**
 * Configuration of webhooks ({@code opencomputer.webhooks.*}), checked at start-up.
 *
 * @param timeout               how long one attempt may take (connect, send, answer) before it fails
 * @param retrySchedule         the delay before each attempt, the first usually 0: its length is the number of attempts
 * @param jitter                each delay varies by up to this fraction either way (0 to 1)
 * @param retryAfterCap         the longest {@code Retry-After} of a 429 or 503 that is honoured
 * @param secretOverlap         how long the previous secret still signs after a rotation
 * @param disableAfter          an endpoint whose attempts all fail for this long is disabled
 * @param allowHttp             whether plain {@code http} URLs are accepted (else {@code https} only)
 * @param allowedNetworks       CIDR blocks exempt from the SSRF guard (e.g. {@code 127.0.0.0/8} for local use)
 * @param concurrency           how many deliveries one dispatcher process runs at once
 * @param endpointConcurrency   how many deliveries to one endpoint one dispatcher process runs at once
 * @param lease                 how long a claimed message stays with its dispatcher (must exceed {@code timeout})
 * @param pollInterval          how often the dispatcher looks for due retries and missed events
 */
public record WebhookProperties(
        Duration timeout,
        List<Duration> retrySchedule,
        Double jitter,
        Duration retryAfterCap,
        Duration secretOverlap,
        Duration disableAfter,
        boolean allowHttp,
        List<String> allowedNetworks,
        int concurrency,
        int endpointConcurrency,
        Duration lease,
        Duration pollInterval) {

    /** The spec's schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
    public static final List<Duration> STANDARD_SCHEDULE = List.of(Duration.ZERO, Duration.ofSeconds(5),
            Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5),
            Duration.ofHours(10), Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(24));

    public WebhookProperties {
        timeout = timeout == null ? Duration.ofSeconds(15) : timeout;
        jitter = jitter == null ? 0.2 : jitter;
        retrySchedule = retrySchedule == null || retrySchedule.isEmpty() ? STANDARD_SCHEDULE : List.copyOf(retrySchedule);
        retryAfterCap = retryAfterCap == null ? Duration.ofHours(1) : retryAfterCap;
        secretOverlap = secretOverlap == null ? Duration.ofHours(24) : secretOverlap;
        disableAfter = disableAfter == null ? Duration.ofDays(5) : disableAfter;
        allowedNetworks = allowedNetworks == null ? List.of()
                : allowedNetworks.stream().filter(n -> n != null && !n.isBlank()).map(String::strip).toList();
        concurrency = concurrency == 0 ? 256 : concurrency;
        endpointConcurrency = endpointConcurrency == 0 ? 16 : endpointConcurrency;
        lease = lease == null ? timeout.plusSeconds(45) : lease;
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("opencomputer.webhooks.timeout must be positive");
        }
        if (retrySchedule.stream().anyMatch(Duration::isNegative)) {
            throw new IllegalArgumentException("opencomputer.webhooks.retry-schedule must not hold negative delays");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("opencomputer.webhooks.jitter must be within [0, 1]");
        }
        if (concurrency < 1 || endpointConcurrency < 1) {
            throw new IllegalArgumentException("opencomputer.webhooks concurrency limits must be at least 1");
        }
        if (lease.compareTo(timeout) <= 0) {
            throw new IllegalArgumentException("opencomputer.webhooks.lease must be longer than the timeout");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("opencomputer.webhooks.poll-interval must be positive");
        }
        allowedNetworks.forEach(Cidr::parse);
    }

    /** Every default. */
    public static WebhookProperties defaults() {
        return new WebhookProperties(null, null, null, null, null, null, false, null, 0, 0, null, null);
    }
}
