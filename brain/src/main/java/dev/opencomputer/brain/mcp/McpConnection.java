package dev.opencomputer.brain.mcp;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run's open connection to one MCP server: its tools (cached; a
 * {@code notifications/tools/list_changed} from the server replaces them) and its calls. Thread-safe.
 */
public final class McpConnection implements AutoCloseable {

    private final String name;
    private final McpAsyncClient client;
    private final SandboxStdioTransport stdio;
    private final AtomicBoolean toolsChanged = new AtomicBoolean();
    private volatile List<McpSchema.Tool> tools;

    McpConnection(String name, McpAsyncClient client, SandboxStdioTransport stdio, List<McpSchema.Tool> tools) {
        this.name = name;
        this.client = client;
        this.stdio = stdio;
        this.tools = List.copyOf(tools);
    }

    public String name() {
        return name;
    }

    /** The server's tools as last listed. */
    public List<McpSchema.Tool> tools() {
        return tools;
    }

    /** Whether the server changed its tools since the last time this was asked. */
    public boolean takeToolsChanged() {
        return toolsChanged.getAndSet(false);
    }

    /** The server listed its tools again; a change of what they are is announced, a mere re-listing is not. */
    void toolsChanged(List<McpSchema.Tool> listed) {
        List<McpSchema.Tool> before = tools;
        tools = List.copyOf(listed);
        if (!before.equals(tools)) {
            toolsChanged.set(true);
        }
    }

    /** False once a stdio server's process has ended (it exited, was killed, or its sandbox died). */
    public boolean alive() {
        return stdio == null || !stdio.exited().isDone();
    }

    /**
     * Calls {@code tool}. The future completes with the server's result, or exceptionally with
     * {@link McpCallException} (the server failed or ended under the call, or it took longer than
     * {@code timeout}); cancelling it abandons the call.
     */
    public CompletableFuture<McpSchema.CallToolResult> call(String tool, Map<String, Object> arguments,
            Duration timeout) {
        CompletableFuture<McpSchema.CallToolResult> result = new CompletableFuture<>();
        var subscription = client.callTool(new McpSchema.CallToolRequest(tool, arguments))
                .timeout(timeout)
                .subscribe(result::complete, failure -> result.completeExceptionally(
                        McpCallException.of(failure, timeout)), () -> result.completeExceptionally(
                        new McpCallException("the server answered nothing", false)));
        if (stdio != null) {
            stdio.exited().thenRun(() -> result.completeExceptionally(new McpCallException(
                    SandboxStdioTransport.ended(stdio), true)));
        }
        result.whenComplete((r, e) -> subscription.dispose());
        return result;
    }

    /** Ends the connection; a stdio server's process is killed. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            if (stdio != null) {
                stdio.kill();
            }
        }
    }
}
