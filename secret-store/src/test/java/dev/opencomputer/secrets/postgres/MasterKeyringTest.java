package dev.opencomputer.secrets.postgres;

import dev.opencomputer.secrets.InvalidMasterKeyException;
import dev.opencomputer.secrets.MasterKeyException;
import dev.opencomputer.secrets.MasterKeyMissingException;
import dev.opencomputer.secrets.SecretStoreProperties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyringTest {

    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void theHighestVersionIsActiveUnlessOneIsChosen() {
        String text = MasterKeyring.newEntry(1, random) + "," + MasterKeyring.newEntry(3, random);

        assertThat(MasterKeyring.parse(text, null, "test").active().version()).isEqualTo(3);
        assertThat(MasterKeyring.parse(text, 1, "test").active().version()).isEqualTo(1);
        assertThat(MasterKeyring.parse(text, null, "test").versions()).containsExactly(1, 3);
    }

    @Test
    void readsOneEntryPerLineWithComments() {
        String text = "# keyring\n" + MasterKeyring.newEntry(1, random) + "   # the first\n\n"
                + MasterKeyring.newEntry(2, random) + "\n";

        assertThat(MasterKeyring.parse(text, null, "test").versions()).containsExactly(1, 2);
    }

    @Test
    void rejectsAnActiveVersionThatIsNotInTheRing() {
        assertThatThrownBy(() -> MasterKeyring.parse(MasterKeyring.newEntry(1, random), 2, "test"))
                .isInstanceOf(InvalidMasterKeyException.class)
                .hasMessageStartingWith(MasterKeyException.PREFIX)
                .hasMessageContaining("active master key version 2 is not in the keyring");
    }

    @Test
    void rejectsKeysThatAreNot256Bits() {
        String shortKey = "1:" + Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> MasterKeyring.parse(shortKey, null, "test"))
                .isInstanceOf(InvalidMasterKeyException.class)
                .hasMessageContaining("exactly 32 bytes");
    }

    @Test
    void rejectsMalformedEntriesWithoutEchoingThem() {
        String secretLooking = "notakey-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        assertThatThrownBy(() -> MasterKeyring.parse(secretLooking, null, "test"))
                .isInstanceOf(InvalidMasterKeyException.class)
                .hasMessageNotContaining(secretLooking);
        assertThatThrownBy(() -> MasterKeyring.parse("1:%%%not-base64%%%", null, "test"))
                .isInstanceOf(InvalidMasterKeyException.class)
                .hasMessageContaining("not valid base64")
                .hasMessageNotContaining("%%%");
        assertThatThrownBy(() -> MasterKeyring.parse("x:" + Base64.getEncoder().encodeToString(new byte[32]), null, "test"))
                .isInstanceOf(InvalidMasterKeyException.class);
        assertThatThrownBy(() -> MasterKeyring.parse("0:" + Base64.getEncoder().encodeToString(new byte[32]), null, "test"))
                .isInstanceOf(InvalidMasterKeyException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void rejectsAVersionGivenTwice() {
        String text = MasterKeyring.newEntry(1, random) + "\n" + MasterKeyring.newEntry(1, random);

        assertThatThrownBy(() -> MasterKeyring.parse(text, null, "test"))
                .isInstanceOf(InvalidMasterKeyException.class)
                .hasMessageContaining("version 1 is given twice");
    }

    @Test
    void showsVersionsButNeverKeyMaterial() {
        String entry = MasterKeyring.newEntry(7, random);
        MasterKeyring ring = MasterKeyring.parse(entry, null, "test");

        assertThat(ring.toString()).isEqualTo("MasterKeyring[versions=[7], active=7]");
        assertThat(ring.active().toString()).isEqualTo("MasterKey[version=7]");
    }

    @Test
    void refusesToStartWithoutAnyConfiguredKey() {
        assertThatThrownBy(() -> MasterKeyring.load(new SecretStoreProperties(null, null, null, false, null, null), random))
                .isInstanceOf(MasterKeyMissingException.class)
                .hasMessageStartingWith("Secret store master key: no master key is configured");
        assertThatThrownBy(() -> MasterKeyring.load(new SecretStoreProperties("  ", null, null, true, null, null), random))
                .isInstanceOf(MasterKeyMissingException.class);
    }

    @Test
    void refusesAMissingKeyFileUnlessGenerationIsAllowed() {
        Path file = dir.resolve("master.key");

        assertThatThrownBy(() -> MasterKeyring.load(SecretStoreProperties.withKeyFile(file), random))
                .isInstanceOf(MasterKeyMissingException.class)
                .hasMessageContaining("does not exist");
        assertThat(file).doesNotExist();
    }

    @Test
    void generatesAnOwnerOnlyKeyFileOnceAndReusesIt() throws Exception {
        Path file = dir.resolve("data").resolve("master.key");
        SecretStoreProperties quickStart = new SecretStoreProperties(null, file, null, true, null, null);

        MasterKeyring first = MasterKeyring.load(quickStart, random);
        String content = Files.readString(file);
        MasterKeyring second = MasterKeyring.load(quickStart, random);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.versions()).containsExactly(1);
        assertThat(Files.readString(file)).isEqualTo(content);
        assertThat(second.versions()).containsExactly(1);
        assertThat(MasterKeyring.generateFile(file, random)).isFalse();
    }

    @Test
    void refusesBothAnInlineKeyAndAKeyFile() {
        SecretStoreProperties both = new SecretStoreProperties(MasterKeyring.newEntry(1, random), dir.resolve("k"), null, false, null, null);

        assertThatThrownBy(() -> MasterKeyring.load(both, random))
                .isInstanceOf(InvalidMasterKeyException.class)
                .hasMessageContaining("configure exactly one");
        assertThat(both.toString()).contains("masterKey=(set)").doesNotContain(both.masterKey());
    }
}
