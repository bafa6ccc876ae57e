package dev.opencomputer.brain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A model API key in plaintext, as revealed by the secret store just before a call.
 *
 * <p>It never prints: {@link #toString()} is redacted, so a key passed around cannot end up in a
 * log line or an exception message by accident. {@link #close()} overwrites the copy it holds;
 * the SDKs need the key as a {@link String}, which {@link #reveal()} makes and which lives until
 * the call's request has been sent (the JVM cannot wipe strings).
 */
public final class ApiKey implements AutoCloseable {

    private final char[] value;

    private ApiKey(char[] value) {
        if (value.length == 0) {
            throw new IllegalArgumentException("an API key must not be empty");
        }
        this.value = value;
    }

    /** Copies the plaintext; the caller may wipe its array afterwards. */
    /**
     * The key held in {@code secret}, without surrounding whitespace; {@code null} when it is blank.
     * Every intermediate copy of the plaintext is wiped and {@code secret} is destroyed, whatever happens.
     */
    public static ApiKey fromSecret(dev.opencomputer.secrets.SecretValue secret) {
        byte[] bytes = secret.bytes();
        java.nio.CharBuffer chars = java.nio.charset.StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes));
        try {
            int start = chars.position();
            int end = chars.limit();
            while (start < end && Character.isWhitespace(chars.get(start))) {
                start++;
            }
            while (end > start && Character.isWhitespace(chars.get(end - 1))) {
                end--;
            }
            if (start == end) {
                return null;
            }
            char[] key = new char[end - start];
            chars.get(start, key);
            try {
                return of(key);
            } finally {
                Arrays.fill(key, '\0');
            }
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            secret.destroy();
        }
    }

    public static ApiKey of(char[] plaintext) {
        return new ApiKey(Arrays.copyOf(Objects.requireNonNull(plaintext), plaintext.length));
    }

    public static ApiKey of(String plaintext) {
        return new ApiKey(Objects.requireNonNull(plaintext).toCharArray());
    }

    /** The plaintext, for handing to an SDK; never log it. */
    public String reveal() {
        return new String(value);
    }

    /** {@code text} with every occurrence of this key replaced by {@code [redacted]}. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String key = new String(value);
        return key.isBlank() ? text : text.replace(key, "[redacted]");
    }

    /** Overwrites the plaintext this object holds. */
    @Override
    public void close() {
        Arrays.fill(value, '\0');
    }

    @Override
    public String toString() {
        return "ApiKey[redacted]";
    }
}
