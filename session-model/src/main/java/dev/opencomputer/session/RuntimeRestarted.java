package dev.opencomputer.session;

/**
 * The session's run was picked up again after a crash of the worker or of the sandbox. The brain
 * continues from the log as it was up to and including {@code resumedFromSeq}.
 * Wire name {@value #TYPE}.
 */
public record RuntimeRestarted(long resumedFromSeq) implements SessionEvent {

    public static final String TYPE = "runtime.restarted";

    @Override
    public String type() {
        return TYPE;
    }
}
