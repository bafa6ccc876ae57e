package dev.opencomputer.secrets.postgres;

import dev.opencomputer.secrets.InvalidMasterKeyException;
import dev.opencomputer.secrets.MasterKeys;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One version of the master key: 256 bits of AES key material under a positive version number.
 * {@link #toString()} shows only the version.
 */
final class MasterKey {

    /** The length of a master key in bytes. */
    static final int LENGTH = 32;

    private final int version;
    private final SecretKey key;

    /** A master key; {@code material} is copied and then overwritten with zeros. */
    MasterKey(int version, byte[] material) {
        if (version < 1) {
            throw new InvalidMasterKeyException("master key versions are positive integers, got " + version);
        }
        if (material == null || material.length != LENGTH) {
            throw new InvalidMasterKeyException("master key version " + version + " must be exactly " + LENGTH
                    + " bytes (base64 of 256 random bits), got " + (material == null ? 0 : material.length));
        }
        this.version = version;
        this.key = new SecretKeySpec(material, "AES");
        Arrays.fill(material, (byte) 0);
    }

    int version() {
        return version;
    }

    SecretKey key() {
        return key;
    }

    @Override
    public String toString() {
        return "MasterKey[version=" + version + "]";
    }
}
