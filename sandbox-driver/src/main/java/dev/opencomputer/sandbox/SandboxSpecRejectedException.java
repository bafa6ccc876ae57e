package dev.opencomputer.sandbox;

/** A sandbox request asks for something the operator's configuration does not allow (limits, egress). */
public class SandboxSpecRejectedException extends SandboxException {

    private final String field;

    public SandboxSpecRejectedException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    /** The request field at fault: {@code cpu}, {@code memory}, {@code network}, {@code timeout}, .... */
    public String field() {
        return field;
    }
}
