package dev.opencomputer.sandbox.docker;

import dev.opencomputer.sandbox.AttachedExecution;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.session.SandboxId;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;

/**
 * A {@link SandboxDriver} on any Docker Engine API endpoint (Docker, or Podman's compatible service),
 * through docker-java and its Apache HttpClient 5 transport.
 *
 * <p>A sandbox is a container {@code oc-<id>} plus a volume {@code oc-<id>-workspace} mounted at
 * {@code /workspace}, both labelled with this installation's instance, the tenant and the sandbox id.
 * The container's main process is a tiny shell loop under the engine's init; commands run as execs.
 * Thread-safe; one instance serves the whole process.
 */
public final class DockerSandboxDriver implements SandboxDriver {

    private final DockerEngine engine;
    private final ContainerLifecycle lifecycle;
    private final SandboxStates states;
    private final DockerExecs execs;
    private final WorkspaceTransfer files;

    /** Connects to the configured endpoint; no call is made until the first operation. */
    public DockerSandboxDriver(SandboxConfig config, Clock clock) {
        this.engine = new DockerEngine(config);
        this.states = new SandboxStates(config, engine);
        this.execs = new DockerExecs(config, engine, states);
        this.lifecycle = new ContainerLifecycle(config, clock, engine, execs.scripts());
        this.files = new WorkspaceTransfer(config, clock, engine, execs.scripts());
    }

    /** The engine endpoint this driver talks to. */
    public String endpoint() {
        return engine.endpoint();
    }

    @Override
    public SandboxState create(SandboxSpec spec) {
        return lifecycle.create(spec);
    }

    @Override
    public void start(SandboxId id) {
        lifecycle.start(id);
    }

    @Override
    public void stop(SandboxId id) {
        lifecycle.stop(id);
    }

    @Override
    public void remove(SandboxId id) {
        lifecycle.remove(id);
    }

    @Override
    public SandboxState inspect(SandboxId id) {
        return states.inspect(id);
    }

    @Override
    public List<SandboxState> list() {
        return states.list();
    }

    @Override
    public Execution exec(SandboxId id, ExecRequest request, OutputListener listener) {
        return execs.exec(id, request, listener);
    }

    @Override
    public AttachedExecution attach(SandboxId id, ExecRequest request, OutputListener listener) {
        return execs.attach(id, request, listener);
    }

    @Override
    public Execution exec(SandboxId id, ExecRequest request, InputStream stdin, OutputListener listener) {
        return execs.exec(id, request, stdin, listener);
    }

    @Override
    public boolean hasImage(String image) {
        try {
            engine.call(null, () -> engine.control().inspectImageCmd(image).exec());
            return true;
        } catch (dev.opencomputer.sandbox.SandboxNotFoundException
                 | EngineFailures.EngineObjectMissingException e) {
            return false;
        }
    }

    @Override
    public void writeFile(SandboxId id, WorkspacePath path, InputStream content, long size) {
        files.write(id, path, content, size);
    }

    @Override
    public SandboxFile openFile(SandboxId id, WorkspacePath path) {
        return files.open(id, path);
    }

    @Override
    public void ping() {
        engine.call(null, () -> engine.control().pingCmd().exec());
    }

    @Override
    public void close() {
        engine.close();
    }
}
