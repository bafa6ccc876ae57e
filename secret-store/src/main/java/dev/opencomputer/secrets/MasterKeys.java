package dev.opencomputer.secrets;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The text form of a master keyring, as {@code opencomputer.secrets.master-key} and key files hold it:
 * {@code <version>:<base64 of 32 random bytes>} entries separated by commas, spaces or new lines,
 * {@code #} starting a comment; the highest version is active unless
 * {@code opencomputer.secrets.active-key-version} chooses one.
 */
public final class MasterKeys {

    /** The length of a master key in bytes (AES-256). */
    public static final int KEY_BYTES = 32;

    private MasterKeys() {
    }

    /** A new keyring entry: {@code <version>:<base64 of 32 random bytes>}. */
    public static String newEntry(int version, SecureRandom random) {
        if (version < 1) {
            throw new IllegalArgumentException("master key versions are positive integers, got " + version);
        }
        byte[] material = new byte[KEY_BYTES];
        random.nextBytes(material);
        try {
            return version + ":" + Base64.getEncoder().encodeToString(material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }
}
