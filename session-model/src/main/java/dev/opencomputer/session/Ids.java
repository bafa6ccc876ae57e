package dev.opencomputer.session;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Generates and checks the shape of every id in the system: {@code <prefix>_<24 hex>}, where
 * the first 12 hex digits are the creation time in milliseconds, so ids sort by creation time
 * and serve directly as pagination cursors.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Ids() {
    }

    /** A new id with the given prefix, ordered after ids created earlier. */
    public static String next(String prefix, Instant now) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        // HexFormat rather than String.format, which was a few percent of the webhook deriver's samples
        return prefix + "_" + HEX.toHexDigits(now.toEpochMilli(), 12) + HEX.formatHex(random);
    }

    /** Throws {@link IllegalArgumentException} unless {@code value} is an id with the given prefix. */
    public static String requireShape(String prefix, String value) {
        if (!isShaped(prefix, value)) {
            throw new IllegalArgumentException("not a valid " + prefix + " id: " + value);
        }
        return value;
    }

    /** Whether {@code value} is an id with the given prefix. */
    public static boolean isShaped(String prefix, String value) {
        if (value == null || value.length() != prefix.length() + 25 || !value.startsWith(prefix + "_")) {
            return false;
        }
        for (int i = prefix.length() + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
