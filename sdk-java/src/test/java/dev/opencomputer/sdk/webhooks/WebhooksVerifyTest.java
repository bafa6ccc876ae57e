package dev.opencomputer.sdk.webhooks;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Webhooks#verify} against messages signed by the Standard Webhooks reference library. */
class WebhooksVerifyTest {

    private static String secret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("Webhook-Id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "WEBHOOK-SIGNATURE", List.of(signature));
    }

    @Test
    void acceptsWhatTheReferenceLibrarySigns() throws Exception {
        String secret = secret();
        String body = "{\"type\":\"session.idle\",\"data\":{\"text\":\"héllo\"}}";
        long now = Instant.now().getEpochSecond();
        String signature = new Webhook(secret).sign("msg_1", now, body);
        assertThatCode(() -> Webhooks.verify(body, headers("msg_1", now, signature), secret)).doesNotThrowAnyException();
        // one of two signatures (a rotation's overlap) is enough
        String other = new Webhook(secret()).sign("msg_1", now, body);
        assertThatCode(() -> Webhooks.verify(body, headers("msg_1", now, other + " " + signature), secret))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesATamperedBodyAnotherSecretAnOldTimestampOrMissingHeaders() throws Exception {
        String secret = secret();
        long now = Instant.now().getEpochSecond();
        String signature = new Webhook(secret).sign("msg_2", now, "{}");
        assertThatThrownBy(() -> Webhooks.verify("{ }", headers("msg_2", now, signature), secret))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> Webhooks.verify("{}", headers("msg_3", now, signature), secret))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> Webhooks.verify("{}", headers("msg_2", now, signature), secret()))
                .isInstanceOf(WebhookVerificationException.class);
        long old = now - 600;
        String oldSignature = new Webhook(secret).sign("msg_2", old, "{}");
        assertThatThrownBy(() -> Webhooks.verify("{}", headers("msg_2", old, oldSignature), secret))
                .hasMessageContaining("minutes");
        assertThatThrownBy(() -> Webhooks.verify("{}", Map.of(), secret)).hasMessageContaining("missing");
    }
}
