package dev.opencomputer.server.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HubSignatureTest {

    // GitHub's published example ("Validating webhook deliveries").
    private static final byte[] SECRET = HubSignature.utf8("It's a Secret to Everybody");
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void thePublishedTestVectorSignsAndVerifies() {
        assertThat(HubSignature.sign(SECRET, BODY)).isEqualTo(EXPECTED);
        assertThat(HubSignature.matches(EXPECTED, SECRET, BODY)).isTrue();
    }

    @Test
    void aTamperedByteAWrongSecretOrAMalformedHeaderIsRefused() {
        byte[] tampered = BODY.clone();
        tampered[0] ^= 1;
        assertThat(HubSignature.matches(EXPECTED, SECRET, tampered)).isFalse();
        assertThat(HubSignature.matches(EXPECTED, HubSignature.utf8("another secret"), BODY)).isFalse();
        assertThat(HubSignature.matches(null, SECRET, BODY)).isFalse();
        assertThat(HubSignature.matches("", SECRET, BODY)).isFalse();
        assertThat(HubSignature.matches(EXPECTED.substring(7), SECRET, BODY)).isFalse();
        assertThat(HubSignature.matches("sha1=" + EXPECTED.substring(7), SECRET, BODY)).isFalse();
        assertThat(HubSignature.matches("sha256=" + EXPECTED.substring(7).toUpperCase(), SECRET, BODY)).isTrue();
        assertThat(HubSignature.matches("sha256=" + "zz".repeat(32), SECRET, BODY)).isFalse();
        assertThat(HubSignature.matches(EXPECTED + "00", SECRET, BODY)).isFalse();
    }
}
