package dev.opencomputer.session;

/**
 * The current run was stopped on request; {@code reason} is free text (e.g. {@code "requested"} or
 * {@code "interrupted by a new message"}). The session is idle afterwards.
 * Wire name {@value #TYPE}.
 */
public record RunCancelled(String reason) implements SessionEvent {

    public static final String TYPE = "run.cancelled";

    @Override
    public String type() {
        return TYPE;
    }
}
