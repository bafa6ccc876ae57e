package dev.opencomputer.brain.mcp;

import io.modelcontextprotocol.spec.McpError;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** An MCP call or connection that failed, with a reason that may be shown to the model and the user. */
public final class McpCallException extends RuntimeException {

    private final boolean serverFailed;

    public McpCallException(String message, boolean serverFailed) {
        super(message, null, false, false);
        this.serverFailed = serverFailed;
    }

    /** Whether the server itself failed (ended, stopped answering), not just this call. */
    public boolean serverFailed() {
        return serverFailed;
    }

    static McpCallException of(Throwable failure, Duration timeout) {
        if (failure instanceof McpCallException known) {
            return known;
        }
        if (failure instanceof TimeoutException) {
            return new McpCallException("the call ran longer than its timeout of " + timeout.toSeconds() + " s", false);
        }
        if (failure instanceof McpError error) {
            return new McpCallException("the server answered an error: " + error.getMessage(), false);
        }
        return new McpCallException("the call failed: " + failure.getMessage(), true);
    }
}
