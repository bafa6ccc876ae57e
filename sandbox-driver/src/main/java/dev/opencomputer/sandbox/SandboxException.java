package dev.opencomputer.sandbox;

/** A sandbox operation failed; subclasses name the condition. */
public abstract class SandboxException extends RuntimeException {

    protected SandboxException(String message) {
        super(message);
    }

    protected SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
