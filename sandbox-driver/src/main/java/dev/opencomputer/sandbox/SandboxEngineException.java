package dev.opencomputer.sandbox;

/** The container engine answered but refused or failed the operation for a reason not covered by another exception. */
public class SandboxEngineException extends SandboxException {

    public SandboxEngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
