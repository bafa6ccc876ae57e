package dev.opencomputer.webhooks;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * An endpoint's signing secret, {@code whsec_} + base64 of 32 random bytes; the HMAC key is the
 * decoded bytes. {@link #toString()} never shows it.
 */
public final class SigningSecret {

    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private SigningSecret(byte[] key) {
        this.key = key;
    }

    /** A fresh secret. */
    public static SigningSecret generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return new SigningSecret(key);
    }

    /** Parses {@code whsec_<base64>}. */
    public static SigningSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a signing secret starts with " + PREFIX);
        }
        return new SigningSecret(Base64.getDecoder().decode(text.substring(PREFIX.length())));
    }

    /** The secret as shown to the endpoint's owner, once. */
    public String reveal() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key (a copy). */
    public byte[] key() {
        return Arrays.copyOf(key, key.length);
    }

    @Override
    public String toString() {
        return "SigningSecret[whsec_…]";
    }
}
