package dev.opencomputer.sdk.webhooks;

/** A received webhook is not authentic: a header is missing, its timestamp is too old or new, or no signature matches. */
public class WebhookVerificationException extends RuntimeException {

    public WebhookVerificationException(String message) {
        super(message);
    }
}
