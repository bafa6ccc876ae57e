package dev.opencomputer.sdk.sessions;

/**
 * A session's live configuration: the model, mode and thinking level its next model call uses.
 *
 * @param mode     e.g. {@code default} or {@code plan} (the server's list is in {@link SessionConfigOptions})
 * @param thinking {@code off}, {@code low}, {@code medium} or {@code high}
 */
public record SessionConfig(String model, String mode, String thinking) {
}
