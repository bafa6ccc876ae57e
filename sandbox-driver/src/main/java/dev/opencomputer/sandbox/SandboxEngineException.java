package dev.opencomputer.sandbox;

/** The container engine answered but refused or failed the operation for a reason not covered by another exception. */
public class SandboxEngineException extends SandboxException {

    private final int engineStatus;

    public SandboxEngineException(String message, int engineStatus, Throwable cause) {
        super(message, cause);
        this.engineStatus = engineStatus;
    }

    /** The HTTP status the engine answered with, or 0 when it gave none. */
    public int engineStatus() {
        return engineStatus;
    }
}
