package dev.opencomputer.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one per
 * secret, space-separated (two during a rotation's overlap).
 */
public final class Signatures {

    /** Looked up once; each signature uses a clone (a provider lookup per message costs more than the HMAC). */
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

    private static Mac newMac() throws NoSuchAlgorithmException {
        try {
            return (Mac) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return Mac.getInstance("HmacSHA256");
        }
    }

    /** The {@code webhook-signature} header value for {@code body}, signed with each of {@code keys}. */
    public static String header(String messageId, long timestamp, byte[] body, List<byte[]> keys) {
        byte[] prefix = (messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringJoiner header = new StringJoiner(" ");
        for (byte[] key : keys) {
            try {
                Mac mac = newMac();
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                mac.update(prefix);
                header.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)));
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("HmacSHA256 is unavailable", e);
            }
        }
        return header.toString();
    }
}
