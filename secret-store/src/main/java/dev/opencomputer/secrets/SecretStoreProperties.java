package dev.opencomputer.secrets;

import java.nio.file.Path;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the secret store, bound from {@code opencomputer.secrets.*}.
 *
 * @param masterKey         the keyring inline, in the text form described on {@link MasterKeys}
 *                          (sensitive; prefer {@code masterKeyFile})
 * @param masterKeyFile     a file holding the keyring; exactly one of the two must be set
 * @param activeKeyVersion  the version new writes use; {@code null} means the highest in the ring
 * @param generateMasterKey create {@code masterKeyFile} with a fresh key when it does not exist
 *                          (the local quick start sets this; production should not)
 * @param maxValueSize      the largest secret value accepted, 64 KB unless set
 * @param revealRetention   how long the reveal audit ({@code secret_reveals}) keeps a row, 30 days
 *                          unless set; older rows are pruned by the brain role (at least 1 hour)
 */
public record SecretStoreProperties(
        String masterKey,
        Path masterKeyFile,
        Integer activeKeyVersion,
        boolean generateMasterKey,
        DataSize maxValueSize,
        java.time.Duration revealRetention) {

    public SecretStoreProperties {
        if (maxValueSize == null) {
            maxValueSize = DataSize.ofKilobytes(64);
        }
        if (maxValueSize.toBytes() < 1 || maxValueSize.toBytes() > DataSize.ofMegabytes(1).toBytes()) {
            throw new IllegalArgumentException("opencomputer.secrets.max-value-size must be between 1B and 1MB: " + maxValueSize);
        }
        if (revealRetention == null) {
            revealRetention = java.time.Duration.ofDays(30);
        }
        if (revealRetention.compareTo(java.time.Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("opencomputer.secrets.reveal-retention must be at least 1h: " + revealRetention);
        }
        if (activeKeyVersion != null && activeKeyVersion < 1) {
            throw new IllegalArgumentException("opencomputer.secrets.active-key-version must be positive: " + activeKeyVersion);
        }
    }

    /** Settings with a key file and defaults for the rest. */
    public static SecretStoreProperties withKeyFile(Path masterKeyFile) {
        return new SecretStoreProperties(null, masterKeyFile, null, false, null, null);
    }

    /** Never shows the inline key. */
    @Override
    public String toString() {
        return "SecretStoreProperties[masterKey=" + (masterKey == null || masterKey.isBlank() ? "(unset)" : "(set)")
                + ", masterKeyFile=" + masterKeyFile + ", activeKeyVersion=" + activeKeyVersion
                + ", generateMasterKey=" + generateMasterKey + ", maxValueSize=" + maxValueSize
                + ", revealRetention=" + revealRetention + "]";
    }
}
