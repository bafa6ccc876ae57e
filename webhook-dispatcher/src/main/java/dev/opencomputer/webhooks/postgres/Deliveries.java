package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.WebhookSent;
import dev.opencomputer.webhooks.DeliveryAttempt;
import dev.opencomputer.webhooks.RetryPolicy;
import dev.opencomputer.webhooks.http.Courier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one claimed message: signs with the endpoint's current secrets, posts, logs
 * {@code webhook.sent} to the session after a success, and decides what becomes of the message
 * (delivered; due again after the retry delay; or dead after its last attempt or a 410).
 */
final class Deliveries {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

    private final EndpointSecrets secrets;
    private final Courier courier;
    private final EventLog eventLog;
    private final RetryPolicy retries;
    private final Clock clock;

    Deliveries(EndpointSecrets secrets, Courier courier, EventLog eventLog, RetryPolicy retries, Clock clock) {
        this.secrets = secrets;
        this.courier = courier;
        this.eventLog = eventLog;
        this.retries = retries;
        this.clock = clock;
    }

    MessageQueue.Settlement deliver(MessageQueue.Claimed message) {
        Instant now = clock.instant();
        Courier.Outcome outcome;
        List<byte[]> keys;
        try {
            keys = secrets.signing(message.tenantId(), message.endpointId(), message.secretVersion(),
                    message.previousSecretUntil(), now);
        } catch (RuntimeException e) {
            log.warn("cannot reveal the signing secret of webhook endpoint {}: {}", message.endpointId(), e.toString());
            return settle(message, new Courier.Outcome(new DeliveryAttempt(message.attempt(), now, 0, null, null,
                    "the endpoint's signing secret is unavailable"), null));
        }
        outcome = courier.post(URI.create(message.url()), message.id(), message.body().getBytes(StandardCharsets.UTF_8),
                keys, message.attempt());
        if (outcome.attempt().succeeded() && message.sessionId() != null) {
            try {
                eventLog.append(SessionId.parse(message.sessionId()), new WebhookSent(message.endpointId(), message.id(),
                        message.type(), message.eventSeq(), outcome.attempt().statusCode(), message.attempt()));
            } catch (RuntimeException e) {
                // delivered all the same; only the log's record of it is missing
                log.warn("delivered webhook message {} but cannot log webhook.sent: {}", message.id(), e.toString());
            }
        }
        return settle(message, outcome);
    }

    private MessageQueue.Settlement settle(MessageQueue.Claimed message, Courier.Outcome outcome) {
        DeliveryAttempt attempt = outcome.attempt();
        if (attempt.succeeded()) {
            return new MessageQueue.Settlement(message, attempt, "delivered", null);
        }
        boolean gone = attempt.statusCode() != null && attempt.statusCode() == 410;
        Duration delay = gone ? null : retries.after(attempt.attempt(), outcome.retryAfter());
        if (delay == null) {
            return new MessageQueue.Settlement(message, attempt, "failed", null);
        }
        return new MessageQueue.Settlement(message, attempt, "pending", clock.instant().plus(delay));
    }
}
