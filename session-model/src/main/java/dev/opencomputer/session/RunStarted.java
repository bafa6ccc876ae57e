package dev.opencomputer.session;

/**
 * A brain worker took the session (holding its lease) and starts or continues working on the
 * pending input: the session is running.
 * Wire name {@value #TYPE}.
 */
public record RunStarted() implements SessionEvent {

    public static final String TYPE = "run.started";

    @Override
    public String type() {
        return TYPE;
    }
}
