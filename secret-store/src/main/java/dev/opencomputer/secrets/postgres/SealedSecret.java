package dev.opencomputer.secrets.postgres;

import java.util.Objects;

/**
 * A secret as stored: its value encrypted with its own data key, and that data key wrapped by
 * master key {@code keyVersion}. Both blobs are {@code format byte || 96-bit nonce || AES-GCM
 * ciphertext and 128-bit tag}, authenticated together with the tenant and the secret's name, so
 * neither blob decrypts in another row or tenant. Safe to store and to log (lengths only).
 */
record SealedSecret(int keyVersion, byte[] wrappedKey, byte[] ciphertext) {

    SealedSecret {
        Objects.requireNonNull(wrappedKey, "wrappedKey");
        Objects.requireNonNull(ciphertext, "ciphertext");
    }

    @Override
    public String toString() {
        return "SealedSecret[keyVersion=" + keyVersion + ", wrappedKey=" + wrappedKey.length
                + " bytes, ciphertext=" + ciphertext.length + " bytes]";
    }
}
