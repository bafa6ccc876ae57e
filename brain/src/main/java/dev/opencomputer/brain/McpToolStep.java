package dev.opencomputer.brain;

import dev.opencomputer.brain.mcp.McpCallException;
import dev.opencomputer.brain.mcp.McpConnection;
import dev.opencomputer.brain.mcp.McpConnector;
import dev.opencomputer.brain.mcp.McpResults;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.McpConnected;
import dev.opencomputer.session.McpServerFailed;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native runtime's MCP tools: the session's servers are connected when the run opens
 * ({@code mcp.connected} with the tools offered, or {@code mcp.server_failed}: the run goes on
 * without them), their tools offered as {@code mcp__<server>__<tool>}, and a call logged
 * ({@code tool.call}) before it is made and answered ({@code tool.result}) after. A call is never
 * made twice: one a crash interrupted is answered as unknown by {@link OpenCalls}. A stdio server
 * whose process ended (a sandbox crash or restart) is started again at its next call.
 */
final class McpToolStep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpToolStep.class);

    private final SessionSetup setup;
    private final RunLog runLog;
    private final RunSignals signals;
    private final McpConnector connector;
    private final BrainProperties properties;
    private final Map<String, McpServer> servers = new LinkedHashMap<>();
    private final Map<String, McpConnection> connections = new LinkedHashMap<>();
    private boolean opened;

    McpToolStep(RunScope run) {
        this.setup = run.setup();
        this.runLog = run.log();
        this.signals = run.signals();
        this.properties = run.context().properties();
        this.connector = new McpConnector(run.context().sandboxes(), run.context().secrets(),
                run.context().remoteUrls(), properties.mcp(), run.context().workerId());
        setup.mcpServers().forEach(server -> servers.put(server.name(), server));
    }

    /** Connects every server, once per run. */
    void open() {
        if (opened) {
            return;
        }
        opened = true;
        servers.values().forEach(this::connect);
    }

    /** Records a server's changed tool list ({@code notifications/tools/list_changed}) before the next model call. */
    void announceChanges() {
        for (McpConnection connection : connections.values()) {
            if (connection.takeToolsChanged()) {
                runLog.append(connected(connection));
            }
        }
    }

    /** The tools of the connected servers, for the model. */
    List<ToolSpec> specs() {
        List<ToolSpec> specs = new ArrayList<>();
        for (McpConnection connection : connections.values()) {
            for (McpSchema.Tool tool : connection.tools()) {
                spec(connection.name(), tool).ifPresent(specs::add);
            }
        }
        return specs;
    }

    /** Whether {@code call} names a tool of one of the session's servers. */
    boolean handles(ContentBlock.ToolUse call) {
        return target(call.name()).isPresent();
    }

    void run(ContentBlock.ToolUse call) {
        if (PlanMode.NAME.equals(runLog.conversation().mode())) { // not offered there; the model may still try
            runLog.append(new ToolResult(call.id(), call.name(), "MCP tools are not available in plan mode", true));
            return;
        }
        runLog.append(new ToolCalled(call.id(), call.name(), call.input()));
        String[] target = target(call.name()).orElseThrow();
        String server = target[0];
        Map<String, Object> input = call.input();
        if (input.size() == 1 && input.get("invalid_input") instanceof String raw) {
            runLog.append(new ToolResult(call.id(), call.name(), "the input is not a JSON object: " + raw, true));
            return;
        }
        McpConnection connection = connections.get(server);
        if (connection == null || !connection.alive()) {
            if (connection != null) {
                connections.remove(server).close();
            }
            connection = connect(servers.get(server)); // a sandbox restart ended it, or it failed before
            if (connection == null) {
                runLog.append(new ToolResult(call.id(), call.name(), "the MCP server " + server
                        + " is not available (see its mcp.server_failed event); the call was not made", true));
                return;
            }
        }
        CompletableFuture<McpSchema.CallToolResult> calling = connection.call(target[1], input,
                properties.mcp().callTimeout());
        try {
            McpSchema.CallToolResult result = signals.await(() -> join(calling), () -> calling.cancel(true));
            String text = McpResults.text(result, (int) properties.toolOutputLimit().toBytes());
            runLog.append(new ToolResult(call.id(), call.name(), text, Boolean.TRUE.equals(result.isError())));
        } catch (McpCallException e) {
            if (e.serverFailed()) {
                connections.remove(server).close();
                runLog.append(new McpServerFailed(server, e.getMessage()), new ToolResult(call.id(), call.name(),
                        "the MCP server " + server + " failed during the call: " + e.getMessage()
                                + ". The outcome is unknown.", true));
            } else {
                runLog.append(new ToolResult(call.id(), call.name(), e.getMessage(), true));
            }
        }
    }

    /** Ends the run's connections: stdio servers are killed. */
    @Override
    public void close() {
        for (McpConnection connection : connections.values()) {
            try {
                connection.close();
            } catch (RuntimeException e) {
                log.debug("closing MCP server {} of {}: {}", connection.name(), runLog.session(), e.toString());
            }
        }
        connections.clear();
    }

    private McpConnection connect(McpServer server) {
        CompletableFuture<McpConnection> connecting = connector.connect(server,
                new McpConnector.Place(runLog.session(), setup.tenant(), setup.sandbox().id(), setup.absoluteCwd()));
        try {
            McpConnection connection = signals.await(() -> join(connecting), () -> connecting.cancel(true));
            connections.put(server.name(), connection);
            runLog.append(connected(connection));
            return connection;
        } catch (McpCallException e) {
            log.info("MCP server {} of {} failed: {}", server.name(), runLog.session(), e.getMessage());
            runLog.append(new McpServerFailed(server.name(), e.getMessage()));
            return null;
        }
    }

    private McpConnected connected(McpConnection connection) {
        return new McpConnected(connection.name(), connection.tools().stream()
                .filter(tool -> spec(connection.name(), tool).isPresent()).map(McpSchema.Tool::name).toList());
    }

    /** The tool as the model sees it; empty when its name cannot be a tool name of the providers. */
    private static Optional<ToolSpec> spec(String server, McpSchema.Tool tool) {
        Map<String, Object> schema = new LinkedHashMap<>(tool.inputSchema() == null ? Map.of() : tool.inputSchema());
        schema.putIfAbsent("type", "object");
        schema.remove("$schema");
        String description = tool.description() != null ? tool.description()
                : tool.title() != null ? tool.title() : tool.name();
        try {
            return Optional.of(new ToolSpec(McpServer.toolName(server, tool.name()),
                    "[MCP server " + server + "] " + description, Conversation.JSON.writeValueAsString(schema)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code [server, tool]} for an {@code mcp__<server>__<tool>} name of a configured server. */
    private Optional<String[]> target(String name) {
        if (!name.startsWith(McpServer.TOOL_PREFIX)) {
            return Optional.empty();
        }
        String rest = name.substring(McpServer.TOOL_PREFIX.length());
        int split = rest.indexOf("__");
        if (split <= 0 || !servers.containsKey(rest.substring(0, split))) {
            return Optional.empty();
        }
        return Optional.of(new String[] {rest.substring(0, split), rest.substring(split + 2)});
    }

    private static <T> T join(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof McpCallException m ? m : new McpCallException(
                    String.valueOf(e.getCause().getMessage()), true);
        } catch (CancellationException e) {
            throw new McpCallException("abandoned", false);
        }
    }
}
