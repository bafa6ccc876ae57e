package dev.opencomputer.server.sessions;

/**
 * The body of {@code POST /v1/sessions/{id}/messages}: what the user says, and how it meets a run
 * under way: {@code queue} (the default) steers it at its next step, {@code interrupt} cancels the
 * current step first ({@code run.cancelled}, then the message, in one append).
 */
public record PostMessage(String text, String mode) {

    public PostMessage(String text) {
        this(text, null);
    }

    /** Whether the message interrupts the run under way. */
    boolean interrupts() {
        return "interrupt".equals(mode);
    }
}
