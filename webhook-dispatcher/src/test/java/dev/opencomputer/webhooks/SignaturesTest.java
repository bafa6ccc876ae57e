package dev.opencomputer.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our signatures against the Standard Webhooks reference implementation. */
class SignaturesTest {

    @Test
    void theReferenceLibraryVerifiesOurSignatureAndSignsTheSame() throws Exception {
        SigningSecret secret = SigningSecret.generate();
        String body = "{\"type\":\"session.idle\",\"data\":{\"é\":\"ü\"}}";
        long timestamp = Instant.now().getEpochSecond();
        String header = Signatures.header("msg_1", timestamp, body.getBytes(StandardCharsets.UTF_8), List.of(secret.key()));
        Webhook reference = new Webhook(secret.reveal());
        assertThat(header).isEqualTo(reference.sign("msg_1", timestamp, body));
        reference.verify(body, Map.of("webhook-id", List.of("msg_1"), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(header)));
    }

    @Test
    void twoKeysGiveTwoSignaturesEachVerifiable() throws Exception {
        SigningSecret old = SigningSecret.generate();
        SigningSecret current = SigningSecret.generate();
        long timestamp = Instant.now().getEpochSecond();
        String header = Signatures.header("msg_2", timestamp, "{}".getBytes(StandardCharsets.UTF_8),
                List.of(current.key(), old.key()));
        assertThat(header.split(" ")).hasSize(2);
        var headers = Map.of("webhook-id", List.of("msg_2"), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(header));
        new Webhook(old.reveal()).verify("{}", headers);
        new Webhook(current.reveal()).verify("{}", headers);
        assertThat(current.toString()).doesNotContain(current.reveal().substring(6));
    }
}
