package dev.opencomputer.sdk.webhooks;

/** What {@link Webhooks#test} sent and how the endpoint answered. */
public record TestDelivery(WebhookMessage message, WebhookAttempt attempt) {
}
