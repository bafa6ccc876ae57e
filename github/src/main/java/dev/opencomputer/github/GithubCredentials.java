package dev.opencomputer.github;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a repository credential secret holds: a token (a fine-grained personal access token), or a
 * GitHub App's {@code {appId, installationId, privateKey}} as JSON, from which installation tokens
 * are minted. {@link #toString()} never shows a secret part.
 */
public sealed interface GithubCredentials {

    /** A token used as it is. */
    record Token(String value) implements GithubCredentials {
        @Override
        public String toString() {
            return "Token[***]";
        }
    }

    /** A GitHub App installation; {@code privateKey} is the app's RSA key. */
    record App(String appId, String installationId, RSAPrivateKey privateKey) implements GithubCredentials {
        @Override
        public String toString() {
            return "App[appId=" + appId + ", installationId=" + installationId + "]";
        }
    }

    /**
     * Reads a secret's text: a JSON object is a GitHub App, anything else a token.
     *
     * @throws IllegalArgumentException naming what is wrong, never quoting the secret
     */
    static GithubCredentials parse(String secret) {
        String text = secret == null ? "" : secret.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the credential is empty");
        }
        if (!text.startsWith("{")) {
            if (text.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("a token cannot contain spaces or line breaks");
            }
            return new Token(text);
        }
        JsonNode app;
        try {
            app = JsonMapper.builder().build().readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the credential starts like JSON but is not valid JSON");
        }
        String appId = field(app, "appId");
        String installationId = field(app, "installationId");
        return new App(appId, installationId, PemKeys.rsaPrivateKey(field(app, "privateKey")));
    }

    private static String field(JsonNode app, String name) {
        JsonNode value = app.get(name);
        if (value == null || !(value.isString() || value.isIntegralNumber()) || value.asString().isBlank()) {
            throw new IllegalArgumentException("a GitHub App credential needs " + name);
        }
        return value.asString();
    }

    /** RSA private keys in PEM, PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as GitHub issues them). */
    final class PemKeys {

        private static final byte[] PKCS8_RSA_PREFIX_TAIL = {
                0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
                0x01, 0x01, 0x01, 0x05, 0x00};

        private PemKeys() {
        }

        static RSAPrivateKey rsaPrivateKey(String pem) {
            boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
            String base64 = pem.replaceAll("-----(BEGIN|END) (RSA )?PRIVATE KEY-----", "").replaceAll("\\s", "");
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("privateKey is not a PEM-encoded RSA key");
            }
            try {
                return (RSAPrivateKey) KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? wrapPkcs1(der) : der));
            } catch (GeneralSecurityException | ClassCastException e) {
                throw new IllegalArgumentException("privateKey is not a PEM-encoded RSA key");
            }
        }

        /** PKCS#8's PrivateKeyInfo around a PKCS#1 RSAPrivateKey: version 0, rsaEncryption, the key as an OCTET STRING. */
        private static byte[] wrapPkcs1(byte[] pkcs1) {
            byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
            byte[] body = concat(PKCS8_RSA_PREFIX_TAIL, octets);
            return concat(new byte[] {0x30}, length(body.length), body);
        }

        private static byte[] length(int n) {
            if (n < 0x80) {
                return new byte[] {(byte) n};
            }
            if (n < 0x100) {
                return new byte[] {(byte) 0x81, (byte) n};
            }
            if (n < 0x10000) {
                return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
            }
            return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        }

        private static byte[] concat(byte[]... parts) {
            int size = 0;
            for (byte[] part : parts) {
                size += part.length;
            }
            byte[] out = new byte[size];
            int at = 0;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, out, at, part.length);
                at += part.length;
            }
            return out;
        }
    }
}
