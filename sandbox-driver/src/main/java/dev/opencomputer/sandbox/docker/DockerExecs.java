package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import dev.opencomputer.sandbox.AttachedExecution;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.sandbox.SandboxNotRunningException;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.sandbox.docker.EngineFailures.EngineConflictException;
import dev.opencomputer.sandbox.docker.EngineFailures.EngineObjectMissingException;
import dev.opencomputer.session.SandboxId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Starts commands in a sandbox as engine execs and answers what a running {@link DockerExecution}
 * needs to know: how to kill its process tree, its exit code, whether the sandbox still runs.
 */
final class DockerExecs {

    private final SandboxConfig config;
    private final DockerEngine engine;
    private final SandboxStates states;
    private final ScriptRunner scripts;
    private final DiskWatch disks;

    DockerExecs(SandboxConfig config, DockerEngine engine, SandboxStates states) {
        this.config = config;
        this.engine = engine;
        this.states = states;
        this.scripts = new ScriptRunner(config, engine, this);
        this.disks = new DiskWatch(config, engine, scripts);
    }

    DiskWatch disks() {
        return disks;
    }

    ScriptRunner scripts() {
        return scripts;
    }

    Execution exec(SandboxId id, ExecRequest request, OutputListener listener) {
        return exec(id, request, null, listener);
    }

    /** Starts a command; with {@code stdin} non-null its standard input is attached to that stream. */
    Execution exec(SandboxId id, ExecRequest request, java.io.InputStream stdin, OutputListener listener) {
        Duration timeout = request.timeout() != null ? request.timeout() : config.defaultExecTimeout();
        if (timeout.compareTo(config.maxExecTimeout()) > 0) {
            throw new SandboxSpecRejectedException("timeout", "at most " + config.maxExecTimeout() + " is allowed");
        }
        String execId = DockerEngine.newId();
        List<String> env = new ArrayList<>();
        request.env().forEach((k, v) -> env.add(k + "=" + v));
        env.add(ExecRequest.MARKER_VARIABLE + "=" + execId);
        String engineExecId = create(id, request.command(), env, request.absoluteCwd(), stdin != null);
        DockerExecution execution = new DockerExecution(this, id, execId, engineExecId, listener,
                (int) config.outputTail().toBytes());
        var start = engine.streams().execStartCmd(engineExecId);
        if (stdin != null) {
            start = start.withStdIn(stdin);
        }
        start.exec(execution);
        execution.timeoutAfter(timeout);
        disks.watch(id, execution);
        return execution;
    }

    /** Starts a command with its standard input attached; it has a timeout only when the request names one. */
    AttachedExecution attach(SandboxId id, ExecRequest request, OutputListener listener) {
        if (request.timeout() != null && request.timeout().compareTo(config.maxExecTimeout()) > 0) {
            throw new SandboxSpecRejectedException("timeout", "at most " + config.maxExecTimeout() + " is allowed");
        }
        String execId = DockerEngine.newId();
        List<String> env = new ArrayList<>();
        request.env().forEach((k, v) -> env.add(k + "=" + v));
        env.add(ExecRequest.MARKER_VARIABLE + "=" + execId);
        String engineExecId = create(id, request.command(), env, request.absoluteCwd(), true);
        StdinPipe stdin = new StdinPipe();
        DockerExecution execution = new DockerExecution(this, id, execId, engineExecId, listener,
                (int) config.outputTail().toBytes(), stdin.output());
        engine.streams().execStartCmd(engineExecId).withStdIn(stdin.input()).exec(execution);
        if (request.timeout() != null) {
            execution.timeoutAfter(request.timeout());
        }
        disks.watch(id, execution);
        return execution;
    }

    /** Creates an exec (not yet started) and returns the engine's id for it. */
    String create(SandboxId id, List<String> command, List<String> env, String cwd) {
        return create(id, command, env, cwd, false, null);
    }

    /**
     * The same as root with every capability, for the driver's own housekeeping only (giving a new workspace
     * to the sandbox's user): a privileged exec gets the capabilities for itself while the container's own
     * processes keep none, and nothing inside the sandbox can start one (it has no engine access).
     */
    String createPrivileged(SandboxId id, List<String> command, List<String> env, String cwd) {
        return create(id, command, env, cwd, false, "0:0");
    }

    private String create(SandboxId id, List<String> command, List<String> env, String cwd, boolean stdin) {
        return create(id, command, env, cwd, stdin, null);
    }

    private String create(SandboxId id, List<String> command, List<String> env, String cwd, boolean stdin,
                          String user) {
        try {
            ExecCreateCmdResponse created = engine.call(id, () -> engine.control()
                    .execCreateCmd(SandboxLabels.containerName(id))
                    .withUser(user)
                    .withPrivileged(user != null ? Boolean.TRUE : null)
                    .withCmd(command.toArray(String[]::new))
                    .withEnv(env)
                    .withWorkingDir(cwd)
                    .withAttachStdin(stdin)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec());
            return created.getId();
        } catch (SandboxEngineException e) {
            // Docker answers 409; Podman 500 "container state improper".
            if (e instanceof EngineConflictException || e.getMessage().contains("state improper")) {
                throw new SandboxNotRunningException(id);
            }
            throw e;
        }
    }

    /** Kills every process of an execution (see {@link SandboxScripts#KILL_TREE}). */
    void killTree(SandboxId id, String execId) {
        scripts.run(id, SandboxScripts.KILL_TREE, "oc-kill", execId);
    }

    /** The exit code of a finished exec, waiting briefly for the engine to record it; null when unknown. */
    Integer exitCodeOf(String engineExecId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            InspectExecResponse exec;
            try {
                exec = engine.call(null, () -> engine.control().inspectExecCmd(engineExecId).exec());
            } catch (EngineObjectMissingException e) {
                return null;
            }
            if (!Boolean.TRUE.equals(exec.isRunning()) || System.nanoTime() > deadline) {
                return Boolean.TRUE.equals(exec.isRunning()) ? null : exec.getExitCode();
            }
            DockerEngine.pause(Duration.ofMillis(2));
        }
    }

    boolean isRunning(SandboxId id) {
        return states.isRunning(id);
    }

    ScheduledExecutorService timers() {
        return engine.timers();
    }
}
