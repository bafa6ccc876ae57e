package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code webhook.sent}: A webhook about an event of this session was delivered (or attempted).
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param endpointId the endpoint
 * @param messageId the webhook message id
 * @param eventType the type of the event it was about
 * @param eventSeq the seq of the event it was about
 * @param statusCode the endpoint's answer
 * @param attempt the attempt number
 */
public record WebhookSent(long seq, String sessionId, Instant time, String endpointId, String messageId,
        String eventType, long eventSeq, int statusCode, int attempt)
        implements StoredEvent {

    public static final String TYPE = "webhook.sent";

    @Override
    public String type() {
        return TYPE;
    }
}
