package dev.opencomputer.webhooks;

import java.time.Instant;

/**
 * One attempt to deliver a message.
 *
 * @param statusCode the HTTP status answered, null when there was no answer (refused, timed out)
 * @param response   the first KiB of the response body
 * @param error      why it failed without an answer (or why the answer is a failure), null on success
 */
public record DeliveryAttempt(int attempt, Instant startedAt, long durationMillis, Integer statusCode,
        String response, String error) {

    public boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
