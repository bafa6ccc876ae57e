package dev.opencomputer.sdk.webhooks;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tenant's webhook endpoints ({@code /v1/webhook-endpoints}), their messages, dead letters
 * and replay ({@code oc.webhooks()}), and {@link #verify} for the receiving side. Thread-safe.
 *
 * <p>The client sends an {@code Idempotency-Key} with every POST and retries it after a network
 * failure; a retried {@link #create} or {@link #rotateSecret} whose first answer was lost
 * returns the endpoint <em>without</em> its secret (the server never stores it with the answer):
 * rotate the secret then.
 */
public final class Webhooks {

    private static final String PATH = "/v1/webhook-endpoints";
    /** How far a {@code webhook-timestamp} may be from now, as the Standard Webhooks libraries allow. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.webhooks()}. */
    public Webhooks(Transport transport) {
        this.transport = transport;
    }

    /**
     * Creates an endpoint; the answer carries its signing secret, shown only this once.
     *
     * @throws dev.opencomputer.sdk.ValidationException for an unknown event type
     * @throws dev.opencomputer.sdk.ApiException with problem type {@code url-rejected} (422) for a URL
     *         the SSRF guard refuses
     * @throws dev.opencomputer.sdk.RateLimitException when the tenant has its tier's number of endpoints
     */
    public WebhookEndpoint create(EndpointRequest request) {
        return transport.post(PATH, request.toJson(), WebhookEndpoint.class, RequestOptions.DEFAULT);
    }

    public WebhookEndpoint get(String id) {
        return transport.get(path(id), WebhookEndpoint.class);
    }

    /** The tenant's endpoints, newest first, all pages. */
    public Listing<WebhookEndpoint> list() {
        return Listing.of(p -> transport.page(PATH, p, WebhookEndpoint.class), ListParams.DEFAULT);
    }

    /** Changes the fields set in {@code change}; {@code withDisabled(false)} re-enables a disabled endpoint. */
    public WebhookEndpoint update(String id, EndpointRequest change) {
        return transport.patch(path(id), change.toJson(), "application/merge-patch+json", WebhookEndpoint.class);
    }

    /** Deletes the endpoint, its messages and its secrets. */
    public void delete(String id) {
        transport.delete(path(id));
    }

    /** A new secret (in the answer); the previous one keeps signing, as a second signature, for the overlap. */
    public WebhookEndpoint rotateSecret(String id) {
        return transport.post(path(id) + "/rotate-secret", null, WebhookEndpoint.class, RequestOptions.DEFAULT);
    }

    /** Sends a {@code webhook.test} message now and returns how the endpoint answered. */
    public TestDelivery test(String id) {
        return transport.post(path(id) + "/test", null, TestDelivery.class, RequestOptions.DEFAULT);
    }

    /** The endpoint's messages, newest first; {@code status} {@code pending}, {@code delivered}, {@code failed} or null for all. */
    public Listing<WebhookMessage> messages(String endpointId, String status) {
        Map<String, Object> filters = new HashMap<>();
        if (status != null) {
            filters.put("status", status);
        }
        return Listing.of(p -> transport.page(path(endpointId) + "/messages", filters, p, WebhookMessage.class),
                ListParams.DEFAULT);
    }

    /** One message with every attempt. */
    public WebhookMessage message(String messageId) {
        return transport.get("/v1/webhook-messages/" + Transport.segment(messageId), WebhookMessage.class);
    }

    /**
     * Queues one more attempt of the message now, with the same {@code webhook-id}.
     *
     * @throws dev.opencomputer.sdk.ConflictException when its endpoint is disabled (re-enable it first)
     */
    public WebhookMessage retry(String messageId) {
        return transport.post("/v1/webhook-messages/" + Transport.segment(messageId) + "/retry", null,
                WebhookMessage.class, RequestOptions.DEFAULT);
    }

    /**
     * Queues every failed message of the endpoint created since {@code since} again; returns how many.
     *
     * @throws dev.opencomputer.sdk.ConflictException when the endpoint is disabled
     */
    public int recover(String endpointId, Instant since) {
        Map<?, ?> answer = transport.post(path(endpointId) + "/recover", Map.of("since", since.toString()), Map.class,
                RequestOptions.DEFAULT);
        return ((Number) answer.get("recovered")).intValue();
    }

    /**
     * Checks that a received webhook is authentic (Standard Webhooks): {@code webhook-signature}
     * holds a {@code v1,} HMAC-SHA256 of {@code "<webhook-id>.<webhook-timestamp>.<body>"} made with
     * {@code secret}, and the timestamp is within {@link #TOLERANCE} of now. Compare in constant
     * time; pass the body exactly as received. De-duplicate by {@code webhook-id}: delivery is at
     * least once.
     *
     * @param headers the request's headers (names in any case)
     * @param secret  the endpoint's {@code whsec_…} secret
     * @throws WebhookVerificationException when it is not authentic
     */
    public static void verify(String body, Map<String, List<String>> headers, String secret) {
        verify(body, headers, secret, Instant.now());
    }

    /** {@link #verify(String, Map, String)} as of {@code now}. */
    public static void verify(String body, Map<String, List<String>> headers, String secret, Instant now) {
        String id = header(headers, "webhook-id");
        String timestamp = header(headers, "webhook-timestamp");
        String signatures = header(headers, "webhook-signature");
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException("webhook-timestamp is not a number of seconds");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            throw new WebhookVerificationException("webhook-timestamp is more than " + TOLERANCE.toMinutes()
                    + " minutes from now");
        }
        if (secret == null || !secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("the secret starts with whsec_");
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
            expected = mac.doFinal((id + "." + seconds + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret is not whsec_ followed by base64", e);
        }
        for (String signature : signatures.strip().split(" +")) {
            int comma = signature.indexOf(',');
            if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(signature.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return;
            }
        }
        throw new WebhookVerificationException("no v1 signature matches");
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().toLowerCase(Locale.ROOT).equals(name)
                    && entry.getValue() != null && !entry.getValue().isEmpty()) {
                return entry.getValue().getFirst();
            }
        }
        throw new WebhookVerificationException("header " + name + " is missing");
    }

    private static String path(String id) {
        return PATH + "/" + Transport.segment(id);
    }
}
