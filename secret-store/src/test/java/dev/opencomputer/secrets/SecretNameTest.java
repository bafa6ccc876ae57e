package dev.opencomputer.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretNameTest {

    @Test
    void acceptsTheUsualKeyNames() {
        for (String name : new String[] {"ANTHROPIC_API_KEY", "openai-prod", "a", "team.key-2", "X".repeat(128)}) {
            assertThat(SecretName.parse(name).value()).isEqualTo(name);
        }
    }

    @Test
    void rejectsNamesThatAreEmptyTooLongOrNotPlainText() {
        for (String name : new String[] {"", "1abc", "_x", "has space", "a/b", "a%2F", "ünïcode", "x".repeat(129),
                "line\nbreak", "..", "-x"}) {
            assertThatThrownBy(() -> SecretName.parse(name))
                    .as(name)
                    .isInstanceOf(InvalidSecretNameException.class)
                    .hasMessageContaining("starting with a letter");
        }
        assertThatThrownBy(() -> SecretName.parse(null)).isInstanceOf(InvalidSecretNameException.class);
    }

    @Test
    void echoesARejectedNameShortAndPrintable() {
        InvalidSecretNameException e = new InvalidSecretNameException("bad\u0007" + "y".repeat(100));

        assertThat(e.getMessage()).contains("'bad?").contains("…").doesNotContain("\u0007").hasSizeLessThan(200);
    }
}
