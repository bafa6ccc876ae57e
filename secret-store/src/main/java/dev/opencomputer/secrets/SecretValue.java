package dev.opencomputer.secrets;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The plaintext of a secret, held only in memory. {@link #toString()} never shows it, there are
 * no bean-style getters (so a JSON mapper that meets one fails instead of writing it out), and
 * equality is identity, so the value cannot slip into logs, exceptions or responses by accident.
 * The only ways to the text are {@link #plaintext()} and {@link #bytes()}.
 */
public final class SecretValue {

    private final byte[] utf8;

    private SecretValue(byte[] utf8) {
        if (utf8.length == 0) {
            throw new InvalidSecretValueException("a secret value must not be empty");
        }
        this.utf8 = utf8;
    }

    /** Wraps a plaintext given by a user; it must not be empty. */
    public static SecretValue of(String plaintext) {
        if (plaintext == null) {
            throw new InvalidSecretValueException("a secret value is required");
        }
        return new SecretValue(plaintext.getBytes(StandardCharsets.UTF_8));
    }

    /** Wraps decrypted UTF-8 bytes; the array is copied. */
    public static SecretValue ofUtf8(byte[] utf8) {
        return new SecretValue(utf8.clone());
    }

    /** The plaintext. Call it at the last moment, and never log or return what it gives. */
    public String plaintext() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** A copy of the plaintext's UTF-8 bytes; overwrite it when done. */
    public byte[] bytes() {
        return utf8.clone();
    }

    /** The size of the plaintext in UTF-8 bytes (not secret). */
    public int size() {
        return utf8.length;
    }

    /** Overwrites the bytes held here; the value is unusable afterwards. */
    public void destroy() {
        Arrays.fill(utf8, (byte) 0);
    }

    @Override
    public String toString() {
        return "SecretValue[redacted]";
    }
}
