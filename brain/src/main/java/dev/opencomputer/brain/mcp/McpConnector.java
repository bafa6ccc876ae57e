package dev.opencomputer.brain.mcp;

import dev.opencomputer.brain.BrainProperties;
import dev.opencomputer.brain.McpServer;
import dev.opencomputer.brain.RemoteUrlCheck;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.secrets.SecretDecryptionException;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * Opens MCP connections with the MCP Java SDK: a {@link McpServer.Stdio} server as a process in the
 * session's sandbox (an attached exec), a {@link McpServer.Http} server over Streamable HTTP from
 * the brain after the SSRF check, with each header value revealed from the tenant's secrets for each
 * request and never kept. A connection is ready once the handshake and the tool list are done.
 * Thread-safe.
 */
public final class McpConnector {

    private static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("opencomputer", "0.1.0");

    private final SandboxDriver sandboxes;
    private final SecretStore secrets;
    private final RemoteUrlCheck urls;
    private final BrainProperties.Mcp limits;
    private final String workerId;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();

    public McpConnector(SandboxDriver sandboxes, SecretStore secrets, RemoteUrlCheck urls, BrainProperties.Mcp limits,
            String workerId) {
        this.sandboxes = sandboxes;
        this.secrets = secrets;
        this.urls = urls;
        this.limits = limits;
        this.workerId = workerId;
    }

    /**
     * Where a connection is made for: the session, its tenant (whose secrets are read), its sandbox and
     * the working directory its stdio servers start in.
     */
    public record Place(SessionId session, TenantId tenant, SandboxId sandbox, String cwd) {
    }

    /**
     * Connects to {@code server} on a thread of its own. The future fails with {@link McpCallException}
     * saying why; cancelling it abandons the attempt (a started process is killed).
     */
    public CompletableFuture<McpConnection> connect(McpServer server, Place place) {
        CompletableFuture<McpConnection> connecting = new CompletableFuture<>();
        Thread.ofVirtual().name("oc-mcp-connect-" + server.name()).start(() -> {
            try {
                McpConnection connection = open(server, place);
                if (!connecting.complete(connection)) {
                    connection.close(); // abandoned meanwhile
                }
            } catch (RuntimeException e) {
                connecting.completeExceptionally(e instanceof McpCallException ? e
                        : new McpCallException(String.valueOf(e.getMessage()), true));
            }
        });
        return connecting;
    }

    private McpConnection open(McpServer server, Place place) {
        SandboxStdioTransport stdio = null;
        McpClientTransport transport;
        switch (server) {
            case McpServer.Stdio s -> {
                List<String> command = new ArrayList<>();
                command.add(s.command());
                command.addAll(s.args());
                stdio = new SandboxStdioTransport(sandboxes, place.sandbox(),
                        new ExecRequest(command, place.cwd(), s.env(), null), json);
                transport = stdio;
            }
            case McpServer.Http h -> transport = http(h, place);
        }
        AtomicReference<McpConnection> made = new AtomicReference<>();
        McpAsyncClient client = McpClient.async(transport)
                .clientInfo(CLIENT)
                .requestTimeout(limits.callTimeout())
                .initializationTimeout(limits.connectTimeout())
                .toolsChangeConsumer(tools -> Mono.fromRunnable(() -> {
                    McpConnection connection = made.get();
                    if (connection != null) {
                        connection.toolsChanged(tools);
                    }
                }))
                .build();
        try {
            await(client.initialize(), stdio);
            List<McpSchema.Tool> tools = listTools(client, stdio);
            McpConnection connection = new McpConnection(server.name(), client, stdio, tools);
            made.set(connection);
            return connection;
        } catch (RuntimeException e) {
            String reason = reason(e, stdio);
            try {
                client.close();
            } finally {
                if (stdio != null) {
                    stdio.kill();
                }
            }
            throw new McpCallException(reason, true);
        }
    }

    /** The answer, or a failure as soon as a stdio server's process ends (not only at the timeout). */
    private <T> T await(Mono<T> answer, SandboxStdioTransport stdio) {
        CompletableFuture<T> future = answer.toFuture();
        if (stdio != null) {
            stdio.exited().thenRun(() -> future.completeExceptionally(
                    new McpCallException(SandboxStdioTransport.ended(stdio), true)));
        }
        try {
            return future.get(limits.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new McpCallException("abandoned", false);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new McpCallException("the server did not answer within " + limits.connectTimeout().toSeconds()
                    + " s", true);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new McpCallException(
                    String.valueOf(e.getCause().getMessage()), true);
        }
    }

    private List<McpSchema.Tool> listTools(McpAsyncClient client, SandboxStdioTransport stdio) {
        List<McpSchema.Tool> tools = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = await(client.listTools(cursor), stdio);
            if (page == null) {
                break;
            }
            tools.addAll(page.tools() == null ? List.of() : page.tools());
            cursor = page.nextCursor();
        } while (cursor != null && !cursor.isEmpty() && tools.size() < 10_000);
        return tools;
    }

    private McpClientTransport http(McpServer.Http server, Place place) {
        try {
            urls.check(server.url());
        } catch (IllegalArgumentException e) {
            throw new McpCallException("the URL is refused: " + e.getMessage(), true);
        }
        URI url = server.url();
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        Map<String, SecretName> headers = server.headers();
        String who = "brain:" + workerId + " session " + place.session() + " mcp " + server.name();
        return HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint)
                .clientBuilder(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(limits.connectTimeout()))
                .jsonMapper(json)
                .openConnectionOnStartup(true) // the stream that carries notifications/tools/list_changed
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        headers.forEach((header, secret) -> request.header(header, reveal(place.tenant(), secret, who))))
                .build();
    }

    /** A header value, read from the secret store at the moment a request is made. */
    private String reveal(TenantId tenant, SecretName name, String who) {
        SecretValue secret;
        try {
            secret = secrets.reveal(tenant.value(), name, who);
        } catch (SecretNotFoundException e) {
            throw new McpCallException("the tenant has no secret named " + name + " (an MCP header)", true);
        } catch (SecretDecryptionException e) {
            throw new McpCallException("the secret " + name + " cannot be decrypted", true);
        }
        try {
            return new String(secret.bytes(), StandardCharsets.UTF_8).strip();
        } finally {
            secret.destroy();
        }
    }

    private String reason(RuntimeException e, SandboxStdioTransport stdio) {
        if (stdio != null && stdio.exited().isDone()) {
            return SandboxStdioTransport.ended(stdio);
        }
        if (stdio != null && !stdio.started()) {
            return stdio.startFailure();
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof McpCallException)) {
            cause = cause.getCause();
        }
        if (cause instanceof McpCallException known) {
            return known.getMessage();
        }
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof TimeoutException || message.contains("Timeout on blocking read")) {
            return "the server did not answer within " + limits.connectTimeout().toSeconds() + " s";
        }
        return cause instanceof SandboxException ? "the sandbox could not start it: " + message : message;
    }
}
