package dev.opencomputer.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one per
 * secret, space-separated (two during a rotation's overlap).
 */
public final class Signatures {

    /** Looked up once; each key clones it (a provider lookup per message costs more than the HMAC). */
    private static final Mac PROTOTYPE;

    static {
        try {
            PROTOTYPE = Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Signatures() {
    }

    /**
     * A signing key with its HMAC initialised once: each signature clones the keyed state (the
     * inner and outer pads are computed at {@code init}, not per message). Thread-safe.
     */
    public static final class Key {

        private final Mac keyed;

        private Key(Mac keyed) {
            this.keyed = keyed;
        }

        public static Key of(byte[] key) {
            try {
                Mac mac = newMac();
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return new Key(mac);
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("HmacSHA256 is unavailable", e);
            }
        }

        private Mac mac() {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
            }
        }
    }

    private static Mac newMac() throws NoSuchAlgorithmException {
        try {
            return (Mac) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return Mac.getInstance("HmacSHA256");
        }
    }

    /** The {@code webhook-signature} header value for {@code body}, signed with each of {@code keys}. */
    public static String header(String messageId, long timestamp, byte[] body, List<byte[]> keys) {
        List<Key> keyed = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            keyed.add(Key.of(key));
        }
        return sign(messageId, timestamp, body, keyed);
    }

    /** As {@link #header}, with keys initialised once. */
    public static String sign(String messageId, long timestamp, byte[] body, List<Key> keys) {
        byte[] prefix = (messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder(48 * keys.size());
        for (Key key : keys) {
            Mac mac = key.mac();
            mac.update(prefix);
            if (!header.isEmpty()) {
                header.append(' ');
            }
            header.append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal(body)));
        }
        return header.toString();
    }
}
