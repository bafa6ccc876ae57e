package dev.opencomputer.sdk.webhooks;

import java.time.Instant;

/**
 * One delivery attempt.
 *
 * @param statusCode the receiver's HTTP status, null when it did not answer (or the SSRF guard refused it)
 * @param response   the first KiB of the receiver's answer
 * @param error      why it failed, null on success
 */
public record WebhookAttempt(int attempt, Instant startedAt, long durationMs, Integer statusCode, String response,
        String error) {
}
