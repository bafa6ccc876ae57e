package dev.opencomputer.session;

/**
 * A webhook about event {@code eventSeq} ({@code eventType}) of this session was delivered to
 * endpoint {@code endpointId} as message {@code messageId}, answered with {@code statusCode} at
 * attempt {@code attempt}.
 * Wire name {@value #TYPE}.
 */
public record WebhookSent(
        String endpointId,
        String messageId,
        String eventType,
        long eventSeq,
        int statusCode,
        int attempt)
        implements SessionEvent {

    public static final String TYPE = "webhook.sent";

    @Override
    public String type() {
        return TYPE;
    }
}
