package dev.opencomputer.sandbox;

/** The container engine could not be reached (down, socket missing, not answering in time): retry later. */
public class SandboxEngineUnavailableException extends SandboxException {

    private final String endpoint;

    public SandboxEngineUnavailableException(String endpoint, Throwable cause) {
        super("the container engine at " + endpoint + " is unavailable", cause);
        this.endpoint = endpoint;
    }

    public String endpoint() {
        return endpoint;
    }
}
