package dev.opencomputer.session;

/**
 * The sandbox died under the session (the container exited, was killed or ran out of memory):
 * {@code reason} says what happened, {@code exitCode} is the container's exit code when known.
 * Wire name {@value #TYPE}.
 */
public record RuntimeCrashed(String reason, Integer exitCode) implements SessionEvent {

    public static final String TYPE = "runtime.crashed";

    @Override
    public String type() {
        return TYPE;
    }
}
