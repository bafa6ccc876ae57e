package dev.opencomputer.brain;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * A real Streamable-HTTP MCP server for the tests, built with the MCP Java SDK's servlet transport
 * on an embedded Tomcat: it records the {@code Authorization} header of every request, and offers
 * {@code whoami} (answers whether that header was the expected one), {@code slow} (blocks until
 * released, counting its calls) and {@code add_tool} (adds {@code late_tool} and says the list changed).
 */
final class McpHttpServer implements AutoCloseable {

    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger slowCalls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Tomcat tomcat = new Tomcat();
    private final McpSyncServer server;
    private final String expected;

    McpHttpServer(String expectedAuthorization) throws Exception {
        this.expected = expectedAuthorization;
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
        server = McpServer.sync(transport)
                .serverInfo("test-http-server", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tool("whoami", "Tells whether the request carried the right token", (exchange, request) ->
                                text(authorizations.getLast().equals(expected) ? "the header was right"
                                        : "the header was wrong")),
                        tool("slow", "Takes its time", (exchange, request) -> {
                            slowCalls.incrementAndGet();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return text("slow done");
                        }),
                        tool("add_tool", "Adds a tool", (exchange, request) -> {
                            addLateTool();
                            return text("added late_tool");
                        }))
                .build();
        tomcat.setBaseDir(Files.createTempDirectory("mcp-tomcat").toString());
        tomcat.setPort(0);
        tomcat.getConnector();
        Context context = tomcat.addContext("", null);
        Wrapper wrapper = Tomcat.addServlet(context, "mcp", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException,
                    jakarta.servlet.ServletException {
                String authorization = request.getHeader("Authorization");
                authorizations.add(authorization == null ? "" : authorization);
                transport.service(request, response);
            }
        });
        wrapper.setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "mcp");
        tomcat.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/mcp");
    }

    void releaseSlowCalls() {
        release.countDown();
    }

    private void addLateTool() {
        server.addTool(tool("late_tool", "Came later", (exchange, request) -> text("late")));
        server.notifyToolsListChanged();
    }

    private static McpServerFeatures.SyncToolSpecification tool(String name, String description,
            java.util.function.BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange, McpSchema.CallToolRequest,
                    McpSchema.CallToolResult> handler) {
        return new McpServerFeatures.SyncToolSpecification(McpSchema.Tool.builder().name(name).description(description)
                .inputSchema(Map.of("type", "object", "properties", Map.of())).build(), handler);
    }

    private static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().content(List.of(new McpSchema.TextContent(text))).build();
    }

    @Override
    public void close() throws Exception {
        releaseSlowCalls();
        server.close();
        tomcat.stop();
        tomcat.destroy();
    }
}
