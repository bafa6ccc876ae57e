package dev.opencomputer.secrets;

/** A secret name that does not have the shape described on {@link SecretName}. */
public final class InvalidSecretNameException extends IllegalArgumentException {

    private final String name;

    public InvalidSecretNameException(String name) {
        super("invalid secret name " + quoted(name) + ": use 1 to " + SecretName.MAX_LENGTH
                + " characters, starting with a letter, then letters, digits, '_', '-' or '.'");
        this.name = name;
    }

    /** The rejected name, possibly {@code null}. */
    public String name() {
        return name;
    }

    private static String quoted(String name) {
        if (name == null) {
            return "(none)";
        }
        // The rejected text is echoed back to the caller, so keep it short and printable.
        String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
