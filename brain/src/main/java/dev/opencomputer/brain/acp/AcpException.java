package dev.opencomputer.brain.acp;

/** The agent answered a request with a JSON-RPC error, or the connection ended before it answered. */
public final class AcpException extends RuntimeException {

    private final int code;

    public AcpException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** The JSON-RPC error code; {@link #CONNECTION_CLOSED} when the agent went away. */
    public int code() {
        return code;
    }

    /** Not a JSON-RPC code: the agent's process ended or its stream broke. */
    public static final int CONNECTION_CLOSED = -1;
}
