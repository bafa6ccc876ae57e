package dev.opencomputer.brain.mcp;

import dev.opencomputer.sandbox.AttachedExecution;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.OutputKind;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.session.SandboxId;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP's stdio transport over a command in the session's sandbox: messages are lines of JSON on the
 * process's stdin and stdout (an attached exec), its stderr is kept as a short tail for the failure
 * reason. Closing ends the process with a kill, since closing its streams would leave it running.
 */
final class SandboxStdioTransport implements McpClientTransport {

    private static final Logger log = LoggerFactory.getLogger(SandboxStdioTransport.class);
    private static final int STDERR_TAIL = 2048;
    private static final int MAX_LINE = 4 << 20;

    private final SandboxDriver driver;
    private final SandboxId sandbox;
    private final ExecRequest request;
    private final McpJsonMapper json;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder stderr = new StringBuilder();
    private volatile AttachedExecution execution;
    private volatile RuntimeException startFailure;
    private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;

    SandboxStdioTransport(SandboxDriver driver, SandboxId sandbox, ExecRequest request, McpJsonMapper json) {
        this.driver = driver;
        this.sandbox = sandbox;
        this.request = request;
        this.json = json;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            this.handler = handler;
            try {
                execution = driver.attach(sandbox, request, this::onOutput);
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        });
    }

    /** Completes when the server process ended (it exited, was killed, or the sandbox died). */
    CompletableFuture<ExecResult> exited() {
        AttachedExecution running = execution;
        return running == null ? new CompletableFuture<>() : running.result();
    }

    /** Why the server's process ended, for people: its exit code and the end of its stderr. */
    static String ended(SandboxStdioTransport stdio) {
        ExecResult result = stdio.exited().getNow(null);
        String how = result == null ? "the server process ended"
                : switch (result.termination()) {
                    case EXITED -> "the server process exited with code " + result.exitCode();
                    case KILLED, TIMED_OUT -> "the server process was killed";
                    case SANDBOX_DIED -> "the sandbox died under the server process";
                    case DISK_EXCEEDED -> "the server process was killed: the sandbox is past its disk quota";
                };
        String tail = stdio.stderrTail();
        return tail.isEmpty() ? how : how + "; it wrote: " + tail;
    }

    boolean started() {
        return execution != null;
    }

    /** Why the process could not be started, for people. */
    String startFailure() {
        RuntimeException failure = startFailure;
        return failure == null ? "the server process was not started"
                : "the sandbox could not start it: " + failure.getMessage();
    }

    /** The end of what the server wrote to stderr. */
    synchronized String stderrTail() {
        return stderr.toString().strip();
    }

    private void onOutput(OutputKind kind, byte[] chunk) {
        if (kind == OutputKind.STDERR) {
            synchronized (this) {
                stderr.append(new String(chunk, StandardCharsets.UTF_8));
                if (stderr.length() > STDERR_TAIL) {
                    stderr.delete(0, stderr.length() - STDERR_TAIL);
                }
            }
            return;
        }
        for (byte b : chunk) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8).strip();
                line.reset();
                if (!text.isEmpty()) {
                    receive(text);
                }
            } else if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
    }

    private void receive(String text) {
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, text);
        } catch (IOException | RuntimeException e) {
            log.debug("ignoring a line that is not JSON-RPC from an MCP server in {}: {}", sandbox, e.toString());
            return;
        }
        handler.apply(Mono.just(message)).subscribe(null,
                failure -> log.debug("MCP message from {} not handled: {}", sandbox, failure.toString()));
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            AttachedExecution running = execution;
            if (running == null) {
                throw new McpCallException(startFailure(), true);
            }
            try {
                byte[] bytes = (json.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
                OutputStream stdin = running.stdin();
                synchronized (stdin) {
                    stdin.write(bytes);
                    stdin.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::kill);
    }

    /** Ends the server process: a kill of its whole tree (closing its input alone would not end it). */
    void kill() {
        AttachedExecution running = execution;
        if (running == null) {
            return;
        }
        try {
            running.stdin().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            running.kill();
        } catch (SandboxException e) {
            log.debug("cannot kill the MCP server in {}: {}", sandbox, e.toString());
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return json.convertValue(data, type);
    }
}
