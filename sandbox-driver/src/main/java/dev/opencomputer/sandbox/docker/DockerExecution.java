package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.opencomputer.sandbox.DiskUsage;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.AttachedExecution;
import dev.opencomputer.sandbox.OutputKind;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.sandbox.Termination;
import dev.opencomputer.session.SandboxId;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec: receives the engine's framed output stream, keeps the tails, and turns the end of the
 * stream into an {@link ExecResult}. Killing is done by a second exec (closing the stream does not
 * end the process on every engine), escalated if the stream does not end.
 */
final class DockerExecution implements AttachedExecution, ResultCallback<Frame> {

    private static final Logger log = LoggerFactory.getLogger(DockerExecution.class);
    /** After a kill, how long to wait for the stream to end before killing again, then before giving up on it. */
    private static final Duration KILL_RETRY = Duration.ofSeconds(3);
    private static final Duration KILL_GIVE_UP = Duration.ofSeconds(10);

    private final DockerExecs execs;
    private final SandboxId sandbox;
    private final String id;
    private final String engineExecId;
    private final OutputListener listener;
    private final TailBuffer stdout;
    private final TailBuffer stderr;
    private final long startNanos = System.nanoTime();
    private final AtomicReference<Termination> requested = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CompletableFuture<ExecResult> result = new CompletableFuture<>();
    private volatile Closeable stream;
    private volatile boolean closeRequested;
    private volatile boolean listenerFailed;
    private volatile Throwable streamError;
    private volatile ScheduledFuture<?> timeout;
    /** What the disk watchdog measured when it ended the command, else null. */
    private volatile DiskUsage disk;
    /** The process's input when it was attached, else null. */
    private final OutputStream stdin;

    DockerExecution(DockerExecs execs, SandboxId sandbox, String id, String engineExecId,
                    OutputListener listener, int tailBytes) {
        this(execs, sandbox, id, engineExecId, listener, tailBytes, null);
    }

    DockerExecution(DockerExecs execs, SandboxId sandbox, String id, String engineExecId,
                    OutputListener listener, int tailBytes, OutputStream stdin) {
        this.stdin = stdin;
        this.execs = execs;
        this.sandbox = sandbox;
        this.id = id;
        this.engineExecId = engineExecId;
        this.listener = listener;
        this.stdout = new TailBuffer(tailBytes);
        this.stderr = new TailBuffer(tailBytes);
    }

    void timeoutAfter(Duration limit) {
        timeout = execs.timers().schedule(() -> Thread.ofVirtual().name("oc-exec-timeout-" + id)
                .start(() -> terminate(Termination.TIMED_OUT)), limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void kill() {
        terminate(Termination.KILLED);
    }

    /** The disk watchdog found the sandbox past its quota: the command's process tree is killed. */
    void exceedDisk(DiskUsage usage) {
        if (disk == null) {
            disk = usage;
        }
        terminate(Termination.DISK_EXCEEDED);
    }

    @Override
    public OutputStream stdin() {
        if (stdin == null) {
            throw new IllegalStateException("exec " + id + " was started without its input attached");
        }
        return stdin;
    }

    @Override
    public CompletableFuture<ExecResult> result() {
        return result;
    }

    private void terminate(Termination reason) {
        if (ended.get() || !requested.compareAndSet(null, reason)) {
            return;
        }
        log.debug("killing exec {} in {} ({})", id, sandbox, reason);
        killTree();
        execs.timers().schedule(() -> {
            if (!ended.get()) {
                Thread.ofVirtual().start(this::killTree);
            }
        }, KILL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        execs.timers().schedule(() -> {
            if (!ended.get()) {
                log.warn("exec {} in {} did not end after being killed; abandoning its output stream", id, sandbox);
                close();
            }
        }, KILL_GIVE_UP.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void killTree() {
        try {
            execs.killTree(sandbox, id);
        } catch (SandboxException e) {
            // The sandbox may have died or stopped meanwhile: the stream ends by itself then.
            log.debug("kill of exec {} in {} failed: {}", id, sandbox, e.getMessage());
        }
    }

    // --- ResultCallback: called by docker-java's streaming thread ---

    @Override
    public void onStart(Closeable closeable) {
        stream = closeable;
        if (closeRequested) {
            closeQuietly(closeable);
        }
    }

    @Override
    public void onNext(Frame frame) {
        byte[] payload = frame.getPayload();
        if (payload == null || payload.length == 0) {
            return;
        }
        OutputKind kind = switch (frame.getStreamType()) {
            case STDERR -> OutputKind.STDERR;
            default -> OutputKind.STDOUT;
        };
        (kind == OutputKind.STDERR ? stderr : stdout).append(payload);
        if (!listenerFailed) {
            try {
                listener.onOutput(kind, payload);
            } catch (RuntimeException e) {
                listenerFailed = true;
                log.debug("output listener of exec {} failed; it gets no more output", id, e);
            }
        }
    }

    @Override
    public void onError(Throwable throwable) {
        streamError = throwable;
        streamEnded();
    }

    @Override
    public void onComplete() {
        streamEnded();
    }

    @Override
    public void close() {
        closeRequested = true;
        Closeable s = stream;
        if (s != null) {
            closeQuietly(s);
        }
        // If the streaming thread is stuck before delivering anything, end here instead.
        streamEnded();
    }

    private void streamEnded() {
        if (ended.compareAndSet(false, true)) {
            if (stdin != null) {
                closeQuietly(stdin); // ends the engine connection's copier of the input
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            Thread.ofVirtual().name("oc-exec-end-" + id).start(this::finish);
        }
    }

    private void finish() {
        try {
            Integer exitCode = execs.exitCodeOf(engineExecId);
            Termination termination = requested.get();
            if (termination == null) {
                boolean suspicious = exitCode == null || exitCode == 137 || exitCode < 0 || streamError != null;
                termination = suspicious && !execs.isRunning(sandbox) ? Termination.SANDBOX_DIED : Termination.EXITED;
            }
            if (streamError != null && termination == Termination.EXITED && exitCode == null) {
                log.debug("exec {} stream failed", id, streamError);
            }
            // Ordering: the stream thread's appends happened before streamEnded(), which started this thread.
            result.complete(new ExecResult(exitCode == null ? -1 : exitCode, termination, stdout.snapshot(),
                    stderr.snapshot(), Duration.ofNanos(System.nanoTime() - startNanos),
                    termination == Termination.DISK_EXCEEDED ? disk : null));
        } catch (SandboxEngineUnavailableException e) {
            result.completeExceptionally(e);
        } catch (RuntimeException e) {
            log.warn("could not determine how exec {} in {} ended", id, sandbox, e);
            result.complete(new ExecResult(-1, requested.get() != null ? requested.get() : Termination.EXITED,
                    stdout.snapshot(), stderr.snapshot(), Duration.ofNanos(System.nanoTime() - startNanos)));
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing an already broken stream
        }
    }
}
