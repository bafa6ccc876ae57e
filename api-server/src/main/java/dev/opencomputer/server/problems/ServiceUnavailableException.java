package dev.opencomputer.server.problems;

/** A dependency the request needs (database, container engine, model provider) cannot be reached. */
public class ServiceUnavailableException extends RuntimeException {

    private final String dependency;

    public ServiceUnavailableException(String dependency, String message, Throwable cause) {
        super(message, cause);
        this.dependency = dependency;
    }

    public String dependency() {
        return dependency;
    }
}
