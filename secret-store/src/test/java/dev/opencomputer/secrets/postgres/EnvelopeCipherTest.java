package dev.opencomputer.secrets.postgres;

import dev.opencomputer.secrets.SecretDecryptionException;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeCipherTest {

    private static final String TENANT = "ten_0000000000000000000000a1";
    private static final String OTHER_TENANT = "ten_0000000000000000000000b2";
    private static final SecretName NAME = SecretName.parse("ANTHROPIC_API_KEY");
    private static final String CANARY = "sk-ant-canary-7f3a9c";

    private final SecureRandom random = new SecureRandom();
    private final MasterKey v1 = key(1);
    private final MasterKey v2 = key(2);
    private final EnvelopeCipher cipher = new EnvelopeCipher(MasterKeyring.of(List.of(v1), null), random);

    @Test
    void opensWhatItSealed() {
        SealedSecret sealed = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));

        assertThat(cipher.open(TENANT, NAME, sealed).plaintext()).isEqualTo(CANARY);
        assertThat(sealed.keyVersion()).isEqualTo(1);
    }

    @Test
    void neverWritesThePlaintextIntoEitherBlob() {
        SealedSecret sealed = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));

        assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain(CANARY);
        assertThat(new String(sealed.wrappedKey(), StandardCharsets.ISO_8859_1)).doesNotContain(CANARY);
        assertThat(sealed.toString()).doesNotContain(CANARY);
    }

    @Test
    void usesAFreshDataKeyAndNonceEveryTime() {
        SealedSecret first = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        SealedSecret second = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));

        assertThat(first.ciphertext()).isNotEqualTo(second.ciphertext());
        assertThat(first.wrappedKey()).isNotEqualTo(second.wrappedKey());
        // format byte, 96-bit nonce, ciphertext as long as the value, 128-bit tag
        assertThat(first.ciphertext()).hasSize(1 + 12 + CANARY.length() + 16);
        assertThat(first.wrappedKey()).hasSize(1 + 12 + 32 + 16);
    }

    @Test
    void aCiphertextMovedToAnotherNameOrTenantDoesNotDecrypt() {
        SealedSecret sealed = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));

        assertThatThrownBy(() -> cipher.open(TENANT, SecretName.parse("OPENAI_API_KEY"), sealed))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageNotContaining(CANARY);
        assertThatThrownBy(() -> cipher.open(OTHER_TENANT, NAME, sealed))
                .isInstanceOf(SecretDecryptionException.class);
    }

    @Test
    void aValueCiphertextPairedWithAnotherSecretsDataKeyDoesNotDecrypt() {
        SealedSecret mine = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        SealedSecret other = cipher.seal(TENANT, NAME, SecretValue.of("another value"));

        SealedSecret swapped = new SealedSecret(1, other.wrappedKey(), mine.ciphertext());

        assertThatThrownBy(() -> cipher.open(TENANT, NAME, swapped))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("ciphertext does not authenticate");
    }

    @Test
    void anyFlippedBitIsDetected() {
        SealedSecret sealed = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        for (int i = 0; i < sealed.ciphertext().length; i++) {
            byte[] tampered = sealed.ciphertext().clone();
            tampered[i] ^= 0x01;
            SealedSecret altered = new SealedSecret(1, sealed.wrappedKey(), tampered);
            assertThatThrownBy(() -> cipher.open(TENANT, NAME, altered)).isInstanceOf(SecretDecryptionException.class);
        }
        byte[] tamperedKey = sealed.wrappedKey().clone();
        tamperedKey[20] ^= 0x40;
        assertThatThrownBy(() -> cipher.open(TENANT, NAME, new SealedSecret(1, tamperedKey, sealed.ciphertext())))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("wrapped data key does not authenticate");
    }

    @Test
    void aDifferentMasterKeyUnderTheSameVersionCannotOpen() {
        SealedSecret sealed = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        EnvelopeCipher impostor = new EnvelopeCipher(MasterKeyring.of(List.of(key(1)), null), random);

        assertThatThrownBy(() -> impostor.open(TENANT, NAME, sealed)).isInstanceOf(SecretDecryptionException.class);
        assertThat(impostor.unwraps(TENANT, NAME, sealed)).isFalse();
        assertThat(cipher.unwraps(TENANT, NAME, sealed)).isTrue();
    }

    @Test
    void aSecretWrappedWithAVersionMissingFromTheRingSaysWhichVersion() {
        SealedSecret sealed = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        EnvelopeCipher onlyV2 = new EnvelopeCipher(MasterKeyring.of(List.of(v2), null), random);

        assertThatThrownBy(() -> onlyV2.open(TENANT, NAME, sealed))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("master key version 1 is not in the keyring [2]");
    }

    @Test
    void newWritesUseTheActiveVersionAndOldVersionsStillOpen() {
        SealedSecret old = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        EnvelopeCipher rotated = new EnvelopeCipher(MasterKeyring.of(List.of(v1, v2), null), random);

        SealedSecret fresh = rotated.seal(TENANT, NAME, SecretValue.of(CANARY));

        assertThat(fresh.keyVersion()).isEqualTo(2);
        assertThat(rotated.open(TENANT, NAME, old).plaintext()).isEqualTo(CANARY);
        assertThat(rotated.open(TENANT, NAME, fresh).plaintext()).isEqualTo(CANARY);
    }

    @Test
    void rewrappingMovesOnlyTheDataKeyToTheActiveVersion() {
        SealedSecret old = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        EnvelopeCipher rotated = new EnvelopeCipher(MasterKeyring.of(List.of(v1, v2), null), random);

        SealedSecret rewrapped = rotated.rewrap(TENANT, NAME, old);

        assertThat(rewrapped.keyVersion()).isEqualTo(2);
        assertThat(rewrapped.ciphertext()).isEqualTo(old.ciphertext());
        assertThat(rotated.rewrap(TENANT, NAME, rewrapped)).isSameAs(rewrapped);
        EnvelopeCipher retired = new EnvelopeCipher(MasterKeyring.of(List.of(v2), null), random);
        assertThat(retired.open(TENANT, NAME, rewrapped).plaintext()).isEqualTo(CANARY);
    }

    @Test
    void aWrappedKeyRelabelledWithAnotherVersionDoesNotUnwrap() {
        EnvelopeCipher rotated = new EnvelopeCipher(MasterKeyring.of(List.of(v1, v2), null), random);
        SealedSecret fresh = rotated.seal(TENANT, NAME, SecretValue.of(CANARY));

        SealedSecret relabelled = new SealedSecret(1, fresh.wrappedKey(), fresh.ciphertext());

        assertThatThrownBy(() -> rotated.open(TENANT, NAME, relabelled)).isInstanceOf(SecretDecryptionException.class);
    }

    @Test
    void aKeyCheckVerifiesOnlyWithTheKeyThatMadeIt() {
        byte[] check = cipher.keyCheck(v1);

        assertThat(cipher.verifiesKeyCheck(v1, check)).isTrue();
        assertThat(cipher.verifiesKeyCheck(key(1), check)).isFalse();
        assertThat(cipher.verifiesKeyCheck(v1, new byte[] {1, 2, 3})).isFalse();
    }

    @Test
    void rejectsTruncatedOrUnknownFormatBlobs() {
        SealedSecret sealed = cipher.seal(TENANT, NAME, SecretValue.of(CANARY));
        byte[] unknownFormat = sealed.ciphertext().clone();
        unknownFormat[0] = 9;

        assertThatThrownBy(() -> cipher.open(TENANT, NAME, new SealedSecret(1, sealed.wrappedKey(), unknownFormat)))
                .isInstanceOf(SecretDecryptionException.class);
        assertThatThrownBy(() -> cipher.open(TENANT, NAME, new SealedSecret(1, sealed.wrappedKey(), new byte[5])))
                .isInstanceOf(SecretDecryptionException.class);
    }

    private MasterKey key(int version) {
        byte[] material = new byte[32];
        random.nextBytes(material);
        return new MasterKey(version, material);
    }
}
