package dev.opencomputer.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretValueTest {

    private static final String CANARY = "sk-canary-0f9e8d7c";

    @Test
    void neverShowsItsValueWhenPrinted() {
        SecretValue value = SecretValue.of(CANARY);

        assertThat(value.toString()).isEqualTo("SecretValue[redacted]");
        assertThat(String.valueOf(value)).doesNotContain(CANARY);
        assertThat("key=" + value).doesNotContain(CANARY);
    }

    @Test
    void givesThePlaintextOnlyWhenAskedExplicitly() {
        SecretValue value = SecretValue.of(CANARY);

        assertThat(value.plaintext()).isEqualTo(CANARY);
        assertThat(value.size()).isEqualTo(CANARY.length());
    }

    @Test
    void handsOutCopiesSoCallersCannotAlterIt() {
        SecretValue value = SecretValue.of(CANARY);
        byte[] bytes = value.bytes();
        bytes[0] = 'X';

        assertThat(value.plaintext()).isEqualTo(CANARY);
    }

    @Test
    void isZeroedWhenDestroyed() {
        SecretValue value = SecretValue.of(CANARY);
        value.destroy();

        assertThat(value.plaintext()).doesNotContain(CANARY);
    }

    @Test
    void mustNotBeEmpty() {
        assertThatThrownBy(() -> SecretValue.of("")).isInstanceOf(InvalidSecretValueException.class);
        assertThatThrownBy(() -> SecretValue.of(null)).isInstanceOf(InvalidSecretValueException.class);
    }

    @Test
    void equalsOnlyItself() {
        SecretValue value = SecretValue.of(CANARY);

        assertThat(value).isNotEqualTo(SecretValue.of(CANARY)).isEqualTo(value);
    }
}
