package dev.opencomputer.sdk.sandboxes;

import dev.opencomputer.sdk.ConnectionException;
import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;
import dev.opencomputer.sdk.sse.EventStream;
import dev.opencomputer.sdk.sse.JsonEventDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tenant's sandboxes ({@code /v1/sandboxes}); needs a tenant API key. Thread-safe. Another
 * tenant's sandbox is reported as {@link dev.opencomputer.sdk.NotFoundException}, exactly like a
 * missing one. When the server cannot reach its container engine, calls answer
 * {@link dev.opencomputer.sdk.ServerException} (503, retried first).
 */
public final class Sandboxes {

    private static final String PATH = "/v1/sandboxes";
    /** The server's default command timeout, used to size the client's wait when none is given. */
    private static final Duration SERVER_DEFAULT_EXEC_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration EXEC_MARGIN = Duration.ofSeconds(30);

    private final Transport transport;
    private final JsonEventDecoder<ExecEvent> execDecoder;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.sandboxes()}. */
    public Sandboxes(Transport transport) {
        this.transport = transport;
        this.execDecoder = JsonEventDecoder.<ExecEvent>builder(transport.json(), ExecEvent.Other::new)
                .type("stdout", ExecEvent.Stdout.class)
                .type("stderr", ExecEvent.Stderr.class)
                .type("exit", ExecEvent.Exited.class)
                .build();
    }

    /** A sandbox with the server's default image and limits. */
    public Sandbox create() {
        return create(CreateSandboxRequest.DEFAULTS, RequestOptions.DEFAULT);
    }

    public Sandbox create(CreateSandboxRequest request) {
        return create(request, RequestOptions.DEFAULT);
    }

    /**
     * Creates and starts a sandbox. Idempotent per idempotency key: a retry answers the first
     * sandbox instead of creating a second one.
     *
     * @throws dev.opencomputer.sdk.ValidationException beyond the operator's limits, or for an image
     *                                                  the engine does not have
     * @throws dev.opencomputer.sdk.RateLimitException  at the tenant's limit of live sandboxes;
     *                                                  {@code retryAfter()} is the soonest expiry
     */
    public Sandbox create(CreateSandboxRequest request, RequestOptions options) {
        return transport.post(PATH, Objects.requireNonNull(request, "request"), Sandbox.class, options);
    }

    /** One sandbox, its status read from the engine now. */
    public Sandbox get(String id) {
        return transport.get(path(id), Sandbox.class);
    }

    /** The tenant's live sandboxes, newest first (status as last seen), all pages. */
    public Listing<Sandbox> list() {
        return list(ListParams.DEFAULT);
    }

    public Listing<Sandbox> list(ListParams params) {
        return Listing.of(p -> transport.page(PATH, p, Sandbox.class), params);
    }

    /** Removes the container and its workspace. */
    public void delete(String id) {
        transport.delete(path(id));
    }

    /** Stops it (SIGTERM, then SIGKILL); the workspace stays. A no-op when stopped already. */
    public Sandbox stop(String id) {
        return transport.post(path(id) + "/stop", null, Sandbox.class, RequestOptions.DEFAULT);
    }

    /** Starts it again on the same workspace — after a stop, a crash, or a vanished container. */
    public Sandbox start(String id) {
        return transport.post(path(id) + "/start", null, Sandbox.class, RequestOptions.DEFAULT);
    }

    /** Runs a command line with {@code /bin/sh -c} to its end. */
    public ExecResult exec(String id, String commandLine) {
        return exec(id, ExecRequest.shell(commandLine), RequestOptions.DEFAULT);
    }

    public ExecResult exec(String id, ExecRequest request) {
        return exec(id, request, RequestOptions.DEFAULT);
    }

    /**
     * Runs a command to its end and answers how it ended, with the tails of its output. Idempotent
     * per idempotency key: a retry gets the stored result, the command never runs twice. The client
     * waits for the answer as long as the command's timeout plus 30 s (unless {@code options} sets
     * a timeout), since the answer comes only when the command ends.
     *
     * @throws dev.opencomputer.sdk.ConflictException when the sandbox is not running ({@code sandbox-not-running})
     */
    public ExecResult exec(String id, ExecRequest request, RequestOptions options) {
        Objects.requireNonNull(request, "request");
        if (options.timeout() == null) {
            Duration command = request.timeoutDuration() == null ? SERVER_DEFAULT_EXEC_TIMEOUT
                    : request.timeoutDuration();
            options = new RequestOptions(options.idempotencyKey(), command.plus(EXEC_MARGIN), options.maxRetries());
        }
        return transport.post(path(id) + "/exec", request, ExecResult.class, options);
    }

    /**
     * Runs a command and streams its output as it arrives: {@link ExecEvent.Stdout} and
     * {@link ExecEvent.Stderr} events, then one {@link ExecEvent.Exited}, after which iteration ends.
     * The command produces output only as fast as the caller reads it, and <b>closing the stream
     * kills the command</b>. The stream is never reconnected (that would run the command again): if
     * the connection breaks before {@code Exited}, iteration throws a {@link ConnectionException}
     * and the server kills the command. A failure on the server ends it with the matching
     * {@link dev.opencomputer.sdk.ApiException}.
     */
    public EventStream<ExecEvent> execStream(String id, ExecRequest request) {
        Objects.requireNonNull(request, "request");
        String path = path(id) + "/exec";
        AtomicInteger connects = new AtomicInteger();
        AtomicBoolean exited = new AtomicBoolean();
        return EventStream.open(lastEventId -> {
            if (connects.getAndIncrement() == 0) {
                return transport.openStream("POST", path, request, Map.of());
            }
            if (exited.get()) {
                return null; // the server closed the stream after the exit event: done
            }
            throw new ConnectionException("the exec stream of sandbox " + id
                    + " broke before the command ended; the server kills the command", null);
        }, sse -> {
            ExecEvent event = execDecoder.decode(sse);
            if (event instanceof ExecEvent.Exited) {
                exited.set(true);
            }
            return event;
        }, EventStream.Options.DEFAULT.withReconnectDelay(Duration.ofMillis(1), Duration.ofMillis(1))
                .withMaxReconnectAttempts(0));
    }

    /**
     * Writes {@code content} as the file at {@code path} (relative to {@code /workspace} or absolute
     * under it): parent directories are created, an existing file is replaced. Repeating it is
     * harmless.
     *
     * @throws dev.opencomputer.sdk.BadRequestException for a path outside the workspace ({@code path-rejected})
     * @throws dev.opencomputer.sdk.ApiException        413 beyond the server's largest file (64 MB by default)
     */
    public void writeFile(String id, String path, byte[] content) {
        transport.putBytes(filePath(id, path), Objects.requireNonNull(content, "content"), "application/octet-stream");
    }

    /** Writes {@code text} as UTF-8; see {@link #writeFile(String, String, byte[])}. */
    public void writeFile(String id, String path, String text) {
        writeFile(id, path, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The bytes of the file at {@code path}.
     *
     * @throws dev.opencomputer.sdk.NotFoundException when it is missing or a directory
     */
    public byte[] readFile(String id, String path) {
        return transport.getBytes(filePath(id, path));
    }

    /** The file at {@code path} decoded as UTF-8. */
    public String readFileAsString(String id, String path) {
        return new String(readFile(id, path), StandardCharsets.UTF_8);
    }

    private static String filePath(String id, String path) {
        return path(id) + "/files" + Transport.query(Map.of("path", Objects.requireNonNull(path, "path")));
    }

    private static String path(String id) {
        return PATH + "/" + Transport.segment(id);
    }
}
