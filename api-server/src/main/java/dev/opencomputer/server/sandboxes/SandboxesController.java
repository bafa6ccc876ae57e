package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxFileTooLargeException;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.http.BlockingCalls;
import dev.opencomputer.server.http.Idempotency;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import dev.opencomputer.server.problems.ResourceInUseException;
import dev.opencomputer.server.sessions.SandboxUsers;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/** {@code /v1/sandboxes}: create, inspect, stop/start and delete sandboxes, run commands, move files. */
@RestController
@RequestMapping("/v1/sandboxes")
class SandboxesController {

    private static final int FILE_CHUNK = 64 * 1024;

    private final Sandboxes sandboxes;
    private final Idempotency idempotency;
    private final SandboxUsers users;
    private final Scheduler blocking;
    private final EngineCallPermits permits;

    SandboxesController(Sandboxes sandboxes, Idempotency idempotency, BlockingCalls blockingCalls,
            SandboxUsers users, EngineCallPermits permits) {
        this.users = users;
        this.permits = permits;
        this.sandboxes = sandboxes;
        this.idempotency = idempotency;
        this.blocking = blockingCalls.scheduler();
    }

    @PostMapping
    ResponseEntity<?> create(Caller caller, @RequestBody(required = false) SandboxRequest body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        var tenant = caller.requireTenant();
        SandboxRequest request = body == null ? SandboxRequest.empty() : body;
        return idempotency.run(caller, idempotencyKey, "sandboxes.create", request,
                (earlier, remember) -> ResponseEntity.status(HttpStatus.CREATED).body(
                        earlier.flatMap(id -> created(tenant, id)).orElseGet(
                                () -> sandboxes.create(tenant, request, id -> remember.accept(id.value())))));
    }

    /** The sandbox a create under the same key made before its process died, when it exists. */
    private java.util.Optional<Sandbox> created(TenantId tenant, String id) {
        if (!SandboxId.isValid(id)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(sandboxes.get(tenant, SandboxId.parse(id)));
        } catch (dev.opencomputer.server.problems.ResourceNotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    @GetMapping
    Page<Sandbox> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        return sandboxes.list(caller.requireTenant(), PageRequest.parse(limit, cursor, SandboxId::isValid));
    }

    @GetMapping("/{id}")
    Sandbox get(Caller caller, @PathVariable String id) {
        return sandboxes.get(caller.requireTenant(), sandboxId(id));
    }

    /**
     * Removes a sandbox and its workspace. One that live (not closed) sessions work in is a 409
     * {@code in-use} listing them, unless {@code ?force=true}.
     */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String id, @RequestParam(required = false) String force) {
        var tenant = caller.requireTenant();
        if (!"true".equals(force)) {
            List<String> usedBy = users.of(tenant, sandboxId(id));
            if (!usedBy.isEmpty()) {
                throw new ResourceInUseException("sandbox", id, usedBy);
            }
        }
        sandboxes.delete(tenant, sandboxId(id));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/stop")
    Sandbox stop(Caller caller, @PathVariable String id) {
        return sandboxes.stop(caller.requireTenant(), sandboxId(id));
    }

    @PostMapping("/{id}/start")
    Sandbox start(Caller caller, @PathVariable String id) {
        return sandboxes.start(caller.requireTenant(), sandboxId(id));
    }

    /** Runs a command to its end and answers with its exit code and output tails. */
    @PostMapping(path = "/{id}/exec", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> exec(Caller caller, @PathVariable String id, @RequestBody ExecBody body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        var tenant = caller.requireTenant();
        SandboxId sandbox = sandboxId(id);
        return idempotency.run(caller, idempotencyKey, "sandboxes.exec:" + sandbox, body, () -> {
            try (var permit = permits.acquire(tenant, EngineCallPermits.Kind.EXEC)) {
                return ResponseEntity.ok(ExecResponse.of(sandboxes.run(tenant, sandbox, body)));
            }
        });
    }

    /** The same command streamed: {@code stdout} / {@code stderr} events as output arrives, then {@code exit}. */
    @PostMapping(path = "/{id}/exec", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Object>> execStream(Caller caller, @PathVariable String id, @RequestBody ExecBody body,
            ServerHttpRequest request) {
        var tenant = caller.requireTenant();
        SandboxId sandbox = sandboxId(id);
        // taken before the stream starts, so that a tenant over its limit gets a plain 429
        var permit = permits.acquire(tenant, EngineCallPermits.Kind.STREAMED_EXEC);
        return ExecEvents.stream(listener -> sandboxes.exec(tenant, sandbox, body, listener), blocking,
                request.getPath().value()).doFinally(signal -> permit.close());
    }

    /** Writes the request body as a file (parents created, an existing file replaced). */
    @PutMapping("/{id}/files")
    ResponseEntity<Void> writeFile(Caller caller, @PathVariable String id, @RequestParam String path,
            ServerHttpRequest request) {
        var tenant = caller.requireTenant();
        SandboxId sandbox = sandboxId(id);
        WorkspacePath target = WorkspacePath.parse(path);
        long declared = request.getHeaders().getContentLength();
        long max = sandboxes.maxFileSize();
        if (declared > max) {
            throw new SandboxFileTooLargeException(target, declared, max);
        }
        try (var permit = permits.acquire(tenant, EngineCallPermits.Kind.FILE_TRANSFER)) {
            upload(tenant, sandbox, target, request.getBody(), declared, max);
        }
        return ResponseEntity.noContent().build();
    }

    private void upload(TenantId tenant, SandboxId sandbox, WorkspacePath target,
            Flux<DataBuffer> body, long declared, long max) {
        if (declared >= 0) {
            try (InputStream content = DataBufferUtils.subscriberInputStream(body, 4)) {
                sandboxes.writeFile(tenant, sandbox, target, content, declared);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            // No Content-Length (chunked upload): the tar header needs the size, so spool it first.
            Path spool = null;
            try {
                spool = Files.createTempFile("oc-upload-", ".bin");
                long size = 0;
                try (InputStream content = DataBufferUtils.subscriberInputStream(body, 4);
                     var out = Files.newOutputStream(spool, StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buffer = new byte[FILE_CHUNK];
                    for (int n; (n = content.read(buffer)) >= 0; ) {
                        size += n;
                        if (size > max) {
                            throw new SandboxFileTooLargeException(target, size, max);
                        }
                        out.write(buffer, 0, n);
                    }
                }
                try (InputStream content = Files.newInputStream(spool)) {
                    sandboxes.writeFile(tenant, sandbox, target, content, size);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (spool != null) {
                    try {
                        Files.deleteIfExists(spool);
                    } catch (IOException ignored) {
                        // the temp directory is cleaned eventually
                    }
                }
            }
        }
    }

    /** Answers a file's raw bytes. */
    @GetMapping("/{id}/files")
    ResponseEntity<Flux<DataBuffer>> readFile(Caller caller, @PathVariable String id, @RequestParam String path) {
        var tenant = caller.requireTenant();
        SandboxId sandbox = sandboxId(id);
        WorkspacePath source = WorkspacePath.parse(path);
        var permit = permits.acquire(tenant, EngineCallPermits.Kind.FILE_TRANSFER);
        SandboxFile file;
        try {
            file = sandboxes.openFile(tenant, sandbox, source);
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
        Flux<DataBuffer> body = DataBufferUtils.readInputStream(file::content, DefaultDataBufferFactory.sharedInstance,
                FILE_CHUNK).subscribeOn(blocking).doFinally(signal -> {
                    permit.close();
                    try {
                        file.close();
                    } catch (IOException ignored) {
                        // the connection to the engine is gone already
                    }
                });
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).contentLength(file.size())
                .body(body);
    }

    private static SandboxId sandboxId(String id) {
        if (!SandboxId.isValid(id)) {
            throw new ResourceNotFoundException("sandbox", id);
        }
        return new SandboxId(id);
    }
}
