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
 */
public record SecretStoreProperties(
        String masterKey,
        Path masterKeyFile,
        Integer activeKeyVersion,
        boolean generateMasterKey,
        DataSize maxValueSize) {

    public SecretStoreProperties {
        if (maxValueSize == null) {
            maxValueSize = DataSize.ofKilobytes(64);
        }
        if (maxValueSize.toBytes() < 1 || maxValueSize.toBytes() > DataSize.ofMegabytes(1).toBytes()) {
            throw new IllegalArgumentException("opencomputer.secrets.max-value-size must be between 1B and 1MB: " + maxValueSize);
        }
        if (activeKeyVersion != null && activeKeyVersion < 1) {
            throw new IllegalArgumentException("opencomputer.secrets.active-key-version must be positive: " + activeKeyVersion);
        }
    }

    /** Settings with a key file and defaults for the rest. */
    public static SecretStoreProperties withKeyFile(Path masterKeyFile) {
        return new SecretStoreProperties(null, masterKeyFile, null, false, null);
    }

    /** Never shows the inline key. */
    @Override
    public String toString() {
        return "SecretStoreProperties[masterKey=" + (masterKey == null || masterKey.isBlank() ? "(unset)" : "(set)")
                + ", masterKeyFile=" + masterKeyFile + ", activeKeyVersion=" + activeKeyVersion
                + ", generateMasterKey=" + generateMasterKey + ", maxValueSize=" + maxValueSize + "]";
    }
}
