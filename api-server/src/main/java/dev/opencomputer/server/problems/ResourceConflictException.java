package dev.opencomputer.server.problems;

/** The request conflicts with the current state of a resource (e.g. a name already taken). */
public class ResourceConflictException extends RuntimeException {

    public ResourceConflictException(String message) {
        super(message);
    }
}
