package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.session.SandboxId;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one of the driver's {@link SandboxScripts} in a sandbox and returns its standard output. */
final class ScriptRunner {

    private static final int OUTPUT_LIMIT = 64 * 1024;

    private final SandboxConfig config;
    private final DockerEngine engine;
    private final DockerExecs execs;

    ScriptRunner(SandboxConfig config, DockerEngine engine, DockerExecs execs) {
        this.config = config;
        this.engine = engine;
        this.execs = execs;
    }

    /** Runs {@code script} with {@code /bin/sh -c}; waits at most the engine timeout. */
    String run(SandboxId id, String script, String... args) {
        return run(false, id, script, args);
    }

    /** Runs {@code script} as privileged root (see {@link DockerExecs#createPrivileged}). */
    String runPrivileged(SandboxId id, String script, String... args) {
        return run(true, id, script, args);
    }

    private String run(boolean privileged, SandboxId id, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script));
        command.addAll(List.of(args));
        String engineExecId = privileged ? execs.createPrivileged(id, command, List.of(), "/")
                : execs.create(id, command, List.of(), WorkspacePath.ROOT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Closeable> handle = new AtomicReference<>();
        engine.streams().execStartCmd(engineExecId).exec(new ResultCallback<Frame>() {
            @Override
            public void onStart(Closeable closeable) {
                handle.set(closeable);
            }

            @Override
            public void onNext(Frame frame) {
                if (frame.getStreamType() != StreamType.STDERR && out.size() < OUTPUT_LIMIT) {
                    out.writeBytes(frame.getPayload());
                }
            }

            @Override
            public void onError(Throwable throwable) {
                failure.set(throwable);
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }

            @Override
            public void close() {
                done.countDown();
            }
        });
        try {
            if (!done.await(config.engineTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                Closeable h = handle.get();
                if (h != null) {
                    h.close();
                }
                throw new SandboxEngineException("a sandbox housekeeping command did not finish in "
                        + config.engineTimeout(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxEngineException("interrupted", e);
        } catch (IOException e) {
            throw new SandboxEngineUnavailableException(engine.endpoint(), e);
        }
        if (failure.get() != null) {
            throw engine.failures().translate(id, failure.get());
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
