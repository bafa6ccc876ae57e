package dev.opencomputer.server.problems;

/**
 * A resource that does not exist for the caller. Raised the same way whether the id is unknown
 * or belongs to another tenant, so the two answers cannot be told apart.
 */
public class ResourceNotFoundException extends RuntimeException {

    private final String kind;
    private final String id;

    public ResourceNotFoundException(String kind, String id) {
        super(kind + " " + id + " not found");
        this.kind = kind;
        this.id = id;
    }

    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
