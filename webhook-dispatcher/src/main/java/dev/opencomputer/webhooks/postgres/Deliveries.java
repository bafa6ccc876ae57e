package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.WebhookSent;
import dev.opencomputer.webhooks.DeliveryAttempt;
import dev.opencomputer.webhooks.RetryPolicy;
import dev.opencomputer.webhooks.Signatures;
import dev.opencomputer.webhooks.http.Courier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<Signatures.Key> keys;
        try {
            keys = secrets.signing(message.tenantId(), message.endpointId(), message.secretVersion(),
                    message.previousSecretUntil(), now);
        } catch (RuntimeException e) {
            log.warn("cannot reveal the signing secret of webhook endpoint {}: {}", message.endpointId(), e.toString());
            return settle(message, new Courier.Outcome(new DeliveryAttempt(message.attempt(), now, 0, null, null,
                    "the endpoint's signing secret is unavailable"), null));
        }
        outcome = courier.post(message.url(), message.id(), message.body().getBytes(StandardCharsets.UTF_8),
                keys, message.attempt());
        return settle(message, outcome);
    }

    /**
     * Appends {@code webhook.sent} for the delivered session events of {@code batch}: to every
     * session at once (the log may commit them together). Before the messages are settled, so a
     * crash in between repeats the delivery rather than loses the record.
     */
    void logSent(List<MessageQueue.Settlement> batch) {
        Map<SessionId, List<WebhookSent>> bySession = new LinkedHashMap<>();
        for (MessageQueue.Settlement s : batch) {
            MessageQueue.Claimed m = s.message();
            if ("delivered".equals(s.status()) && m.sessionId() != null) {
                bySession.computeIfAbsent(SessionId.parse(m.sessionId()), k -> new ArrayList<>()).add(new WebhookSent(
                        m.endpointId(), m.id(), m.type(), m.eventSeq(), s.attempt().statusCode(), s.attempt().attempt()));
            }
        }
        if (bySession.isEmpty()) {
            return;
        }
        Map<SessionId, RuntimeException> failures;
        try {
            failures = eventLog.appendEach(bySession);
        } catch (RuntimeException e) {
            log.warn("delivered webhook messages of {} session(s) but cannot log webhook.sent: {}", bySession.size(),
                    e.toString());
            return;
        }
        // delivered all the same; only the log's record of it is missing
        failures.forEach((session, e) -> log.warn("delivered {} webhook message(s) of session {} but cannot log "
                + "webhook.sent: {}", bySession.get(session).size(), session, e.toString()));
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
