package dev.opencomputer.secrets;

import java.util.regex.Pattern;

/**
 * The name of a secret within its tenant, as agents reference it in their {@code credential}:
 * 1 to 128 characters, starting with a letter, then letters, digits, {@code _}, {@code -} or
 * {@code .} (for example {@code ANTHROPIC_API_KEY} or {@code openai.prod}). Names are
 * case-sensitive and safe to use unescaped in a URL path.
 */
public record SecretName(String value) implements Comparable<SecretName> {

    /** The longest name accepted. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0," + (MAX_LENGTH - 1) + "}");

    public SecretName {
        if (!isValid(value)) {
            throw new InvalidSecretNameException(value);
        }
    }

    /** Parses a name from untrusted input; throws {@link InvalidSecretNameException} when malformed. */
    public static SecretName parse(String value) {
        return new SecretName(value);
    }

    /** Whether {@code value} is an acceptable secret name. */
    public static boolean isValid(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    @Override
    public int compareTo(SecretName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
