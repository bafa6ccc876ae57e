package dev.opencomputer.webhooks;

/** A new endpoint, or one whose secret was rotated, with its signing secret (shown this once). */
public record CreatedEndpoint(WebhookEndpoint endpoint, SigningSecret secret) {
}
