package dev.opencomputer.server.problems;

/** A query parameter, path variable or header that cannot be understood (e.g. a bad cursor). */
public class ParameterInvalidException extends RuntimeException {

    private final String parameter;

    public ParameterInvalidException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
