package dev.opencomputer.brain.gateway;

import dev.opencomputer.session.SessionId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The gateway's tokens: opaque, random, stored only as a hash, each bound to one {@link GatewayGrant}.
 * Implementations are thread-safe; {@link #find} is on every gateway request's path.
 */
public interface GatewayTokens {

    /** Every token starts with this, so it is recognisable (and never mistaken for a provider key). */
    String PREFIX = "ocg_";

    /** Stores a new token for {@code grant} (its hash only) and answers the plaintext, once. */
    String issue(GatewayGrant grant);

    /** The grant of a live token; empty for an unknown, malformed or revoked one. */
    Optional<GatewayGrant> find(String token);

    /** Revokes every token of {@code session} (the agent ended, the session closed or was destroyed). */
    void revoke(SessionId session);

    /** Revokes one token. */
    void revokeToken(String token);

    /** A fresh token's plaintext. */
    static String newToken(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The SHA-256 of a token, as stored. */
    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code token} has a token's shape (prefix, 43 base64url characters). */
    static boolean wellFormed(String token) {
        return token != null && token.length() == PREFIX.length() + 43 && token.startsWith(PREFIX)
                && token.substring(PREFIX.length()).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-'
                        || c == '_');
    }
}
