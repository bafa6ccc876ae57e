package dev.opencomputer.server.problems;

import java.util.List;

/**
 * A request body with fields the resource does not have. Carries every unknown field at once, each
 * as its path in the body ({@code promt}, {@code sandbox.imgae}, {@code clientTools[0].descripton}).
 */
public class UnknownFieldsException extends RuntimeException {

    private final List<String> fields;

    public UnknownFieldsException(List<String> fields) {
        super("unknown field(s): " + String.join(", ", fields));
        this.fields = List.copyOf(fields);
    }

    public List<String> fields() {
        return fields;
    }
}
