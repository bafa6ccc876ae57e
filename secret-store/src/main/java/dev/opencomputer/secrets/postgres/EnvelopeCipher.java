package dev.opencomputer.secrets.postgres;

import dev.opencomputer.secrets.SecretDecryptionException;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretValue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of secret values. Each {@link #seal} draws a fresh 256-bit data key and
 * encrypts the value with AES-256-GCM under a random 96-bit nonce; the data key is then itself
 * encrypted ("wrapped") with the keyring's active master key, again AES-256-GCM with a random
 * nonce. The associated data of both binds the tenant and the secret name (and, for the wrapped
 * key, the master key version), so a blob moved to another row or tenant fails authentication.
 * Rotation re-wraps only the data key; the value's ciphertext never changes.
 *
 * <p>Thread-safe. Plaintext and data keys live only in short-lived arrays that are zeroed after use.
 */
final class EnvelopeCipher {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final byte FORMAT = 1;
    private static final int DATA_KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] KEY_CHECK_PLAINTEXT = "opencomputer master key check".getBytes(StandardCharsets.UTF_8);

    private final MasterKeyring keyring;
    private final SecureRandom random;

    EnvelopeCipher(MasterKeyring keyring, SecureRandom random) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The keyring this cipher wraps and unwraps with. */
    MasterKeyring keyring() {
        return keyring;
    }

    /** Encrypts {@code value} for the secret {@code name} of {@code tenant} under the active master key. */
    SealedSecret seal(String tenant, SecretName name, SecretValue value) {
        byte[] dataKey = new byte[DATA_KEY_BYTES];
        random.nextBytes(dataKey);
        byte[] plaintext = value.bytes();
        try {
            byte[] ciphertext = encrypt(new SecretKeySpec(dataKey, "AES"), plaintext, valueContext(tenant, name));
            MasterKey master = keyring.active();
            byte[] wrapped = encrypt(master.key(), dataKey, wrapContext(tenant, name, master.version()));
            return new SealedSecret(master.version(), wrapped, ciphertext);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Decrypts a sealed secret.
     *
     * @throws SecretDecryptionException when its master key version is not in the ring or either
     *                                   blob fails authentication (tampered, swapped, wrong key)
     */
    SecretValue open(String tenant, SecretName name, SealedSecret sealed) {
        byte[] dataKey = unwrap(tenant, name, sealed);
        try {
            byte[] plaintext = decrypt(new SecretKeySpec(dataKey, "AES"), sealed.ciphertext(), valueContext(tenant, name));
            if (plaintext == null) {
                throw new SecretDecryptionException(tenant, name, "the ciphertext does not authenticate "
                        + "(altered, or copied from another secret or tenant)");
            }
            try {
                return SecretValue.ofUtf8(plaintext);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Re-wraps the data key of a sealed secret with the active master key, leaving the value's
     * ciphertext untouched. Returns {@code sealed} itself when it already uses the active version.
     *
     * @throws SecretDecryptionException when the current wrapping cannot be undone
     */
    SealedSecret rewrap(String tenant, SecretName name, SealedSecret sealed) {
        MasterKey master = keyring.active();
        if (sealed.keyVersion() == master.version()) {
            return sealed;
        }
        byte[] dataKey = unwrap(tenant, name, sealed);
        try {
            byte[] wrapped = encrypt(master.key(), dataKey, wrapContext(tenant, name, master.version()));
            return new SealedSecret(master.version(), wrapped, sealed.ciphertext());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Whether the data key of {@code sealed} unwraps with the keyring (the value itself is not decrypted). */
    boolean unwraps(String tenant, SecretName name, SealedSecret sealed) {
        try {
            Arrays.fill(unwrap(tenant, name, sealed), (byte) 0);
            return true;
        } catch (SecretDecryptionException e) {
            return false;
        }
    }

    /**
     * A key check value for a master key: a known text encrypted with it. Stored once per version,
     * it lets a later start-up prove that the key configured under that version is the same key.
     */
    byte[] keyCheck(MasterKey master) {
        return encrypt(master.key(), KEY_CHECK_PLAINTEXT, keyCheckContext(master.version()));
    }

    /** Whether {@code check} was made by {@link #keyCheck} with exactly this key. */
    boolean verifiesKeyCheck(MasterKey master, byte[] check) {
        byte[] plaintext = decrypt(master.key(), check, keyCheckContext(master.version()));
        return plaintext != null && Arrays.equals(plaintext, KEY_CHECK_PLAINTEXT);
    }

    private byte[] unwrap(String tenant, SecretName name, SealedSecret sealed) {
        MasterKey master = keyring.version(sealed.keyVersion()).orElseThrow(() -> new SecretDecryptionException(
                tenant, name, "master key version " + sealed.keyVersion() + " is not in the keyring " + keyring.versions()));
        byte[] dataKey = decrypt(master.key(), sealed.wrappedKey(), wrapContext(tenant, name, master.version()));
        if (dataKey == null || dataKey.length != DATA_KEY_BYTES) {
            throw new SecretDecryptionException(tenant, name, "the wrapped data key does not authenticate with master key version "
                    + sealed.keyVersion() + " (wrong master key, or altered or copied from another secret or tenant)");
        }
        return dataKey;
    }

    private byte[] encrypt(SecretKey key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** The plaintext, or {@code null} when the blob is malformed or does not authenticate. */
    private static byte[] decrypt(SecretKey key, byte[] blob, byte[] associatedData) {
        if (blob == null || blob.length < 1 + NONCE_BYTES + TAG_BITS / 8 || blob[0] != FORMAT) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, blob, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(blob, 1 + NONCE_BYTES, blob.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private static byte[] valueContext(String tenant, SecretName name) {
        return context("opencomputer/secret-value/v1", tenant, name.value(), null);
    }

    private static byte[] wrapContext(String tenant, SecretName name, int keyVersion) {
        return context("opencomputer/secret-data-key/v1", tenant, name.value(), keyVersion);
    }

    private static byte[] keyCheckContext(int keyVersion) {
        return context("opencomputer/master-key-check/v1", "", "", keyVersion);
    }

    /** Length-prefixed fields, so no two (tenant, name) pairs share an encoding. */
    private static byte[] context(String purpose, String tenant, String name, Integer keyVersion) {
        Objects.requireNonNull(tenant, "tenant");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String field : new String[] {purpose, tenant, name}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        if (keyVersion != null) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(keyVersion).array());
        }
        return out.toByteArray();
    }
}
