package dev.opencomputer.server.problems;

import java.util.List;

/** A well-formed request whose content breaks the resource's rules; carries every violation. */
public class RequestInvalidException extends RuntimeException {

    private final List<FieldViolation> violations;

    public RequestInvalidException(List<FieldViolation> violations) {
        super(violations.size() + " invalid field(s)");
        this.violations = List.copyOf(violations);
    }

    public RequestInvalidException(String field, String message) {
        this(List.of(new FieldViolation(field, message)));
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
