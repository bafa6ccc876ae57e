package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.NetworkAccess;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxAlreadyExistsException;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxFileNotFoundException;
import dev.opencomputer.sandbox.SandboxFileTooLargeException;
import dev.opencomputer.sandbox.SandboxImageNotFoundException;
import dev.opencomputer.sandbox.SandboxLimits;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxNotRunningException;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.sandbox.WorkspacePathRejectedException;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SandboxDriver} on any Docker Engine API endpoint (Docker, or Podman's compatible service),
 * through docker-java and its Apache HttpClient 5 transport.
 *
 * <p>A sandbox is a container {@code oc-<id>} plus a volume {@code oc-<id>-workspace} mounted at
 * {@code /workspace}, both labelled with this installation's instance, the tenant and the sandbox id.
 * The container's main process is a tiny shell loop under the engine's init; commands run as execs.
 */
public final class DockerSandboxDriver implements SandboxDriver {

    static final String LABEL_INSTANCE = "dev.opencomputer.instance";
    static final String LABEL_TENANT = "dev.opencomputer.tenant";
    static final String LABEL_SANDBOX = "dev.opencomputer.sandbox";
    static final String LABEL_IMAGE = "dev.opencomputer.image";
    static final String LABEL_CPUS = "dev.opencomputer.cpus";
    static final String LABEL_MEMORY = "dev.opencomputer.memory";
    static final String LABEL_PIDS = "dev.opencomputer.pids";
    static final String LABEL_NETWORK = "dev.opencomputer.network";
    static final String LABEL_WORKSPACE_NONCE = "dev.opencomputer.workspace-nonce";
    private static final Set<String> RESERVED_LABELS = Set.of(LABEL_INSTANCE, LABEL_TENANT, LABEL_SANDBOX,
            LABEL_IMAGE, LABEL_CPUS, LABEL_MEMORY, LABEL_PIDS, LABEL_NETWORK, LABEL_WORKSPACE_NONCE);

    private static final Logger log = LoggerFactory.getLogger(DockerSandboxDriver.class);
    private static final Pattern EXIT_STATUS = Pattern.compile("\\((-?\\d+)\\)");
    private static final int SCRIPT_OUTPUT_LIMIT = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SandboxConfig config;
    private final Clock clock;
    private final String endpoint;
    private final DockerClient control;
    private final DockerClient streams;
    private final ScheduledExecutorService timers;

    /** Connects to the configured endpoint; no call is made until the first operation. */
    public DockerSandboxDriver(SandboxConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.endpoint = config.resolvedDockerHost();
        DockerClientConfig clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint)
                .build();
        // Short calls get a response timeout so a hung engine counts as unavailable; streams (exec output,
        // file transfers) may legitimately stay silent for long and get none.
        this.control = DockerClientImpl.getInstance(clientConfig, new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(256)
                .connectionTimeout(config.connectTimeout())
                .responseTimeout(config.engineTimeout())
                .build());
        this.streams = DockerClientImpl.getInstance(clientConfig, new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(4096)
                .connectionTimeout(config.connectTimeout())
                .build());
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oc-sandbox-timers");
            t.setDaemon(true);
            return t;
        });
    }

    /** The engine endpoint this driver talks to. */
    public String endpoint() {
        return endpoint;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public SandboxState create(SandboxSpec spec) {
        String image = spec.image() != null && !spec.image().isBlank() ? spec.image() : config.defaultImage();
        SandboxLimits limits = spec.limits() != null ? spec.limits() : config.defaultLimits();
        checkAllowed(spec, limits);
        Map<String, String> labels = labels(spec, image, limits);
        long t0 = System.nanoTime();
        boolean newWorkspace = call(spec.id(), () -> ensureWorkspace(spec, labels));
        long t1 = System.nanoTime();
        String name = containerName(spec.id());
        try {
            call(spec.id(), () -> control.createContainerCmd(image)
                    .withName(name)
                    .withEntrypoint("/bin/sh", "-c")
                    .withCmd(SandboxScripts.KEEP_ALIVE)
                    .withWorkingDir(WorkspacePath.ROOT)
                    .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withLabels(labels)
                    .withTty(false)
                    .withHostConfig(hostConfig(spec, image, limits))
                    .exec());
        } catch (SandboxNotFoundException e) {
            removeWorkspaceIf(newWorkspace, spec.id());
            throw new SandboxImageNotFoundException(image);
        } catch (SandboxEngineException e) {
            if (e.engineStatus() == 409) {
                throw new SandboxAlreadyExistsException(spec.id());
            }
            removeWorkspaceIf(newWorkspace, spec.id());
            throw e;
        } catch (RuntimeException e) {
            removeWorkspaceIf(newWorkspace, spec.id());
            throw e;
        }
        long t2 = System.nanoTime();
        try {
            call(spec.id(), () -> control.startContainerCmd(name).exec());
        } catch (RuntimeException e) {
            log.warn("sandbox {} was created but did not start; removing it", spec.id());
            quietly(() -> control.removeContainerCmd(name).withForce(true).exec());
            removeWorkspaceIf(newWorkspace, spec.id());
            throw e;
        }
        Instant now = clock.instant();
        log.info("created sandbox {} for {} from {}", spec.id(), spec.tenant(), image);
        if (log.isDebugEnabled()) {
            long t3 = System.nanoTime();
            log.debug("sandbox {}: workspace {} ms, container {} ms, start {} ms", spec.id(), (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        }
        return new SandboxState(spec.id(), spec.tenant(), image, SandboxStatus.RUNNING, null, false, limits,
                spec.network(), now, now, null, spec.labels());
    }

    private void checkAllowed(SandboxSpec spec, SandboxLimits limits) {
        if (limits.cpus() > config.maxCpu()) {
            throw new SandboxSpecRejectedException("cpu", "at most " + config.maxCpu() + " cores are allowed");
        }
        if (limits.memoryBytes() > config.maxMemory().toBytes()) {
            throw new SandboxSpecRejectedException("memory", "at most " + config.maxMemory() + " is allowed");
        }
        if (limits.pids() > config.pidsLimit()) {
            throw new SandboxSpecRejectedException("pids", "at most " + config.pidsLimit() + " processes are allowed");
        }
        if (spec.network() == NetworkAccess.EGRESS && !config.allowEgress()) {
            throw new SandboxSpecRejectedException("network", "this installation does not allow sandboxes network egress");
        }
        for (String key : spec.labels().keySet()) {
            if (RESERVED_LABELS.contains(key)) {
                throw new SandboxSpecRejectedException("labels", key + " is set by the driver");
            }
        }
    }

    private Map<String, String> labels(SandboxSpec spec, String image, SandboxLimits limits) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(LABEL_INSTANCE, config.instance());
        labels.put(LABEL_TENANT, spec.tenant().value());
        labels.put(LABEL_SANDBOX, spec.id().value());
        labels.put(LABEL_IMAGE, image);
        labels.put(LABEL_CPUS, Double.toString(limits.cpus()));
        labels.put(LABEL_MEMORY, Long.toString(limits.memoryBytes()));
        labels.put(LABEL_PIDS, Integer.toString(limits.pids()));
        labels.put(LABEL_NETWORK, spec.network().name());
        return labels;
    }

    private HostConfig hostConfig(SandboxSpec spec, String image, SandboxLimits limits) {
        List<Bind> binds = config.imageMounts().stream()
                .filter(m -> m.appliesTo(image))
                .map(ImageMount::bind)
                .map(Bind::parse)
                .toList();
        return HostConfig.newHostConfig()
                // "none" rather than the network-disabled flag, which Podman ignores.
                .withNetworkMode(spec.network() == NetworkAccess.EGRESS ? config.egressNetwork() : "none")
                // An init reaps orphans and forwards SIGTERM, so stop does not wait out its timeout.
                .withInit(true)
                .withPrivileged(false)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withNanoCPUs(Math.round(limits.cpus() * 1_000_000_000L))
                .withMemory(limits.memoryBytes())
                .withMemorySwap(limits.memoryBytes())
                .withPidsLimit((long) limits.pids())
                .withRestartPolicy(RestartPolicy.noRestart())
                .withMounts(List.of(new Mount().withType(MountType.VOLUME)
                        .withSource(workspaceName(spec.id()))
                        .withTarget(WorkspacePath.ROOT)))
                .withBinds(binds);
    }

    /**
     * Creates the workspace volume, or checks that the existing one is this tenant's; true when created.
     * One call: creating a volume that exists answers the existing one (Docker and Podman alike) with the
     * labels it was created with, so a fresh nonce label tells whether this call created it.
     */
    private boolean ensureWorkspace(SandboxSpec spec, Map<String, String> labels) {
        String nonce = newExecId();
        Map<String, String> volumeLabels = new HashMap<>(labels);
        volumeLabels.put(LABEL_WORKSPACE_NONCE, nonce);
        var volume = control.createVolumeCmd().withName(workspaceName(spec.id())).withLabels(volumeLabels).exec();
        Map<String, String> actual = volume.getLabels() == null ? Map.of() : volume.getLabels();
        if (!spec.tenant().value().equals(actual.get(LABEL_TENANT))) {
            throw new SandboxAlreadyExistsException(spec.id());
        }
        return nonce.equals(actual.get(LABEL_WORKSPACE_NONCE));
    }

    private void removeWorkspaceIf(boolean created, SandboxId id) {
        if (created) {
            quietly(() -> control.removeVolumeCmd(workspaceName(id)).exec());
        }
    }

    @Override
    public void start(SandboxId id) {
        try {
            call(id, () -> control.startContainerCmd(containerName(id)).exec());
        } catch (SandboxEngineException e) {
            if (e.engineStatus() != 304) {
                throw e;
            }
        }
    }

    @Override
    public void stop(SandboxId id) {
        try {
            call(id, () -> control.stopContainerCmd(containerName(id))
                    .withTimeout((int) Math.max(1, config.stopTimeout().toSeconds()))
                    .exec());
        } catch (SandboxEngineException e) {
            if (e.engineStatus() != 304) {
                throw e;
            }
        }
    }

    @Override
    public void remove(SandboxId id) {
        try {
            call(id, () -> control.removeContainerCmd(containerName(id)).withForce(true).withRemoveVolumes(true).exec());
        } catch (SandboxNotFoundException e) {
            // already gone
        }
        // The engine may still be tearing the container down: the volume is busy for a moment.
        long deadline = System.nanoTime() + config.engineTimeout().toNanos();
        while (true) {
            try {
                call(id, () -> control.removeVolumeCmd(workspaceName(id)).exec());
                break;
            } catch (SandboxNotFoundException e) {
                break;
            } catch (SandboxEngineException e) {
                if (e.engineStatus() != 409 || System.nanoTime() > deadline) {
                    throw e;
                }
                pause(Duration.ofMillis(50));
            }
        }
        log.info("removed sandbox {}", id);
    }

    @Override
    public SandboxState inspect(SandboxId id) {
        InspectContainerResponse container;
        try {
            container = call(id, () -> control.inspectContainerCmd(containerName(id)).exec());
        } catch (SandboxNotFoundException e) {
            return absentState(id).orElseThrow(() -> e);
        }
        Map<String, String> labels = container.getConfig() != null && container.getConfig().getLabels() != null
                ? container.getConfig().getLabels() : Map.of();
        if (!id.value().equals(labels.get(LABEL_SANDBOX))) {
            throw new SandboxNotFoundException(id);
        }
        InspectContainerResponse.ContainerState s = container.getState();
        Integer exitCode = s == null ? null : s.getExitCode();
        String engineStatus = s == null ? null : s.getStatus();
        boolean everFinished = s != null && instant(s.getFinishedAt()) != null;
        SandboxStatus status = status(engineStatus, everFinished ? exitCode : null);
        HostConfig host = container.getHostConfig();
        SandboxLimits limits = limitsFrom(labels, host);
        return new SandboxState(id, TenantId.parse(labels.get(LABEL_TENANT)), labels.getOrDefault(LABEL_IMAGE,
                container.getConfig().getImage()), status, everFinished ? exitCode : null,
                s != null && Boolean.TRUE.equals(s.getOOMKilled()), limits, network(labels),
                instant(container.getCreated()), s == null ? null : instant(s.getStartedAt()),
                s == null ? null : instant(s.getFinishedAt()), userLabels(labels));
    }

    private Optional<SandboxState> absentState(SandboxId id) {
        InspectVolumeResponse volume;
        try {
            volume = call(id, () -> control.inspectVolumeCmd(workspaceName(id)).exec());
        } catch (SandboxNotFoundException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(absentState(volume.getLabels(), null));
    }

    private SandboxState absentState(Map<String, String> labels, Instant createdAt) {
        if (labels == null || labels.get(LABEL_SANDBOX) == null || labels.get(LABEL_TENANT) == null) {
            return null;
        }
        return new SandboxState(SandboxId.parse(labels.get(LABEL_SANDBOX)), TenantId.parse(labels.get(LABEL_TENANT)),
                labels.get(LABEL_IMAGE), SandboxStatus.ABSENT, null, false, limitsFrom(labels, null), network(labels),
                createdAt, null, null, userLabels(labels));
    }

    @Override
    public List<SandboxState> list() {
        List<Container> containers = call(null, () -> control.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(LABEL_INSTANCE, config.instance()))
                .exec());
        List<InspectVolumeResponse> volumes = call(null, () -> control.listVolumesCmd()
                .withFilter("label", List.of(LABEL_INSTANCE + "=" + config.instance()))
                .exec().getVolumes());
        List<SandboxState> states = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Container c : containers) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            String sandbox = labels.get(LABEL_SANDBOX);
            String tenant = labels.get(LABEL_TENANT);
            if (sandbox == null || tenant == null || !SandboxId.isValid(sandbox) || !TenantId.isValid(tenant)) {
                continue;
            }
            Integer exitCode = null;
            if (c.getStatus() != null) {
                Matcher m = EXIT_STATUS.matcher(c.getStatus());
                if (m.find()) {
                    exitCode = Integer.valueOf(m.group(1));
                }
            }
            seen.add(sandbox);
            states.add(new SandboxState(SandboxId.parse(sandbox), TenantId.parse(tenant),
                    labels.getOrDefault(LABEL_IMAGE, c.getImage()), status(c.getState(), exitCode), exitCode, false,
                    limitsFrom(labels, null), network(labels),
                    c.getCreated() == null ? null : Instant.ofEpochSecond(c.getCreated()), null, null,
                    userLabels(labels)));
        }
        for (InspectVolumeResponse v : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
            Map<String, String> labels = v.getLabels();
            if (labels != null && labels.get(LABEL_SANDBOX) != null && !seen.contains(labels.get(LABEL_SANDBOX))
                    && SandboxId.isValid(labels.get(LABEL_SANDBOX)) && TenantId.isValid(labels.get(LABEL_TENANT))) {
                states.add(absentState(labels, null));
            }
        }
        return states;
    }

    private static SandboxStatus status(String engineStatus, Integer exitCode) {
        if (engineStatus == null) {
            return SandboxStatus.DIED;
        }
        return switch (engineStatus) {
            case "created", "configured" -> SandboxStatus.CREATED;
            case "running", "paused", "restarting" -> SandboxStatus.RUNNING;
            case "exited", "stopped" -> exitCode != null && exitCode == 0 ? SandboxStatus.STOPPED : SandboxStatus.DIED;
            default -> SandboxStatus.DIED;
        };
    }

    private SandboxLimits limitsFrom(Map<String, String> labels, HostConfig host) {
        try {
            double cpus = host != null && host.getNanoCPUs() != null && host.getNanoCPUs() > 0
                    ? host.getNanoCPUs() / 1e9 : Double.parseDouble(labels.get(LABEL_CPUS));
            long memory = host != null && host.getMemory() != null && host.getMemory() > 0
                    ? host.getMemory() : Long.parseLong(labels.get(LABEL_MEMORY));
            int pids = host != null && host.getPidsLimit() != null && host.getPidsLimit() > 0
                    ? host.getPidsLimit().intValue() : Integer.parseInt(labels.get(LABEL_PIDS));
            return new SandboxLimits(cpus, memory, pids);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static NetworkAccess network(Map<String, String> labels) {
        return "EGRESS".equals(labels.get(LABEL_NETWORK)) ? NetworkAccess.EGRESS : NetworkAccess.NONE;
    }

    private static Map<String, String> userLabels(Map<String, String> labels) {
        Map<String, String> user = new HashMap<>(labels);
        user.keySet().removeAll(RESERVED_LABELS);
        // Image labels (maintainer etc.) show up among container labels on some engines.
        user.keySet().removeIf(k -> k.startsWith("org.opencontainers.") || k.startsWith("io.buildah.")
                || k.startsWith("io.podman."));
        return user;
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank() || value.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    // ------------------------------------------------------------------ commands

    @Override
    public Execution exec(SandboxId id, ExecRequest request, OutputListener listener) {
        Duration timeout = request.timeout() != null ? request.timeout() : config.defaultExecTimeout();
        if (timeout.compareTo(config.maxExecTimeout()) > 0) {
            throw new SandboxSpecRejectedException("timeout", "at most " + config.maxExecTimeout() + " is allowed");
        }
        String execId = newExecId();
        List<String> env = new ArrayList<>();
        request.env().forEach((k, v) -> env.add(k + "=" + v));
        env.add(ExecRequest.MARKER_VARIABLE + "=" + execId);
        String engineExecId = createExec(id, request.command(), env, request.absoluteCwd());
        DockerExecution execution = new DockerExecution(this, id, execId, engineExecId, listener,
                (int) config.outputTail().toBytes());
        streams.execStartCmd(engineExecId).exec(execution);
        execution.timeoutAfter(timeout);
        return execution;
    }

    private String createExec(SandboxId id, List<String> command, List<String> env, String cwd) {
        try {
            ExecCreateCmdResponse created = call(id, () -> control.execCreateCmd(containerName(id))
                    .withCmd(command.toArray(String[]::new))
                    .withEnv(env)
                    .withWorkingDir(cwd)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec());
            return created.getId();
        } catch (SandboxEngineException e) {
            // Docker answers 409; Podman 500 "container state improper".
            if (e.engineStatus() == 409 || e.getMessage().contains("state improper")) {
                throw new SandboxNotRunningException(id);
            }
            throw e;
        }
    }

    /** Kills every process of an execution (see {@link SandboxScripts#KILL_TREE}). */
    void killTree(SandboxId id, String execId) {
        runScript(id, SandboxScripts.KILL_TREE, "oc-kill", execId);
    }

    /** The exit code of a finished exec, waiting briefly for the engine to record it; null when unknown. */
    Integer exitCodeOf(String engineExecId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            InspectExecResponse exec;
            try {
                exec = call(null, () -> control.inspectExecCmd(engineExecId).exec());
            } catch (SandboxEngineException e) {
                if (e.engineStatus() == 404) {
                    return null;
                }
                throw e;
            }
            if (!Boolean.TRUE.equals(exec.isRunning()) || System.nanoTime() > deadline) {
                return Boolean.TRUE.equals(exec.isRunning()) ? null : exec.getExitCode();
            }
            pause(Duration.ofMillis(2));
        }
    }

    /** Whether the sandbox's container is running right now. */
    boolean isRunning(SandboxId id) {
        try {
            InspectContainerResponse c = call(id, () -> control.inspectContainerCmd(containerName(id)).exec());
            return c.getState() != null && Boolean.TRUE.equals(c.getState().getRunning());
        } catch (SandboxNotFoundException e) {
            return false;
        }
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** Runs a driver script with {@code /bin/sh -c} and returns its standard output. */
    private String runScript(SandboxId id, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script));
        command.addAll(List.of(args));
        String engineExecId = createExec(id, command, List.of(), WorkspacePath.ROOT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Closeable> handle = new AtomicReference<>();
        streams.execStartCmd(engineExecId).exec(new ResultCallback<Frame>() {
            @Override
            public void onStart(Closeable closeable) {
                handle.set(closeable);
            }

            @Override
            public void onNext(Frame frame) {
                if (frame.getStreamType() != StreamType.STDERR && out.size() < SCRIPT_OUTPUT_LIMIT) {
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
                        + config.engineTimeout(), 0, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxEngineException("interrupted", 0, e);
        } catch (IOException e) {
            throw new SandboxEngineUnavailableException(endpoint, e);
        }
        if (failure.get() != null) {
            throw translate(id, failure.get());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ files

    /** A workspace path resolved inside the container: physical path and the owner to give new files. */
    private record Resolved(String path, int uid, int gid) {
        String directory() {
            return path.substring(0, path.lastIndexOf('/'));
        }

        String name() {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    private Resolved resolve(SandboxId id, WorkspacePath path, boolean write) {
        String line = runScript(id, SandboxScripts.RESOLVE_PATH, "oc-path", write ? "write" : "read", path.relative())
                .strip();
        if (line.startsWith("OK ")) {
            String[] parts = line.split(" ", 4);
            if (parts.length == 4 && parts[3].startsWith(WorkspacePath.ROOT + "/")) {
                return new Resolved(parts[3], parseId(parts[1]), parseId(parts[2]));
            }
        }
        String reason = line.startsWith("ERR ") ? line.substring(4) : "unexpected answer";
        throw switch (reason) {
            case "missing" -> new SandboxFileNotFoundException(id, path, "no such file");
            case "isdir" -> write ? new WorkspacePathRejectedException(path.absolute(), "is a directory")
                    : new SandboxFileNotFoundException(id, path, "is a directory");
            case "escape" -> new WorkspacePathRejectedException(path.absolute(),
                    "leads out of the workspace through a symbolic link");
            case "notdir" -> new WorkspacePathRejectedException(path.absolute(), "a parent is not a directory");
            case "denied" -> new WorkspacePathRejectedException(path.absolute(), "permission denied");
            default -> new SandboxEngineException("could not resolve " + path + " in sandbox " + id + ": "
                    + (line.length() > 200 ? line.substring(0, 200) : line), 0, null);
        };
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void writeFile(SandboxId id, WorkspacePath path, InputStream content, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (size > config.maxFileSize().toBytes()) {
            throw new SandboxFileTooLargeException(path, size, config.maxFileSize().toBytes());
        }
        Resolved target = resolve(id, path, true);
        PipedInputStream tar = new PipedInputStream(64 * 1024);
        AtomicReference<Exception> writeFailure = new AtomicReference<>();
        Thread writer;
        try {
            PipedOutputStream sink = new PipedOutputStream(tar);
            writer = Thread.ofVirtual().name("oc-tar-" + id).start(() -> {
                try (TarArchiveOutputStream out = new TarArchiveOutputStream(sink)) {
                    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                    out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                    TarArchiveEntry entry = new TarArchiveEntry(target.name());
                    entry.setSize(size);
                    entry.setMode(0100644);
                    entry.setUserId(target.uid());
                    entry.setGroupId(target.gid());
                    entry.setModTime(clock.millis());
                    out.putArchiveEntry(entry);
                    long copied = content.transferTo(new BoundedOutput(out, size));
                    if (copied != size) {
                        throw new IOException("content has " + copied + " bytes, " + size + " were announced");
                    }
                    out.closeArchiveEntry();
                    out.finish();
                } catch (Exception e) {
                    writeFailure.set(e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            call(id, () -> control.copyArchiveToContainerCmd(containerName(id))
                    .withRemotePath(target.directory())
                    .withTarInputStream(tar)
                    .exec());
        } finally {
            closeQuietly(tar);
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (writeFailure.get() != null) {
            throw new IllegalArgumentException("could not send the file: " + writeFailure.get().getMessage(),
                    writeFailure.get());
        }
    }

    @Override
    public SandboxFile openFile(SandboxId id, WorkspacePath path) {
        Resolved source = resolve(id, path, false);
        InputStream raw;
        try {
            raw = call(id, () -> streams.copyArchiveFromContainerCmd(containerName(id), source.path()).exec());
        } catch (SandboxNotFoundException e) {
            throw new SandboxFileNotFoundException(id, path, "no such file");
        }
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(raw);
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.isFile()) {
                tar.close();
                throw new SandboxFileNotFoundException(id, path, "not a regular file");
            }
            if (entry.getSize() > config.maxFileSize().toBytes()) {
                tar.close();
                throw new SandboxFileTooLargeException(path, entry.getSize(), config.maxFileSize().toBytes());
            }
            return new SandboxFile(path, entry.getSize(), new FilterInputStream(tar) {
            });
        } catch (IOException e) {
            closeQuietly(raw);
            throw new SandboxEngineUnavailableException(endpoint, e);
        }
    }

    // ------------------------------------------------------------------ plumbing

    @Override
    public void ping() {
        call(null, () -> control.pingCmd().exec());
    }

    @Override
    public void close() {
        timers.shutdownNow();
        closeQuietly(control);
        closeQuietly(streams);
    }

    static String containerName(SandboxId id) {
        return "oc-" + id.value();
    }

    static String workspaceName(SandboxId id) {
        return "oc-" + id.value() + "-workspace";
    }

    private static String newExecId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Runs an engine call, translating docker-java's failures into the SPI's exceptions. */
    private <T> T call(SandboxId id, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            throw translate(id, e);
        }
    }

    private RuntimeException translate(SandboxId id, Throwable e) {
        if (e instanceof SandboxException s) {
            return s;
        }
        if (id != null && (e instanceof NotFoundException || (e instanceof DockerException d
                && d.getHttpStatus() == 500 && String.valueOf(d.getMessage()).contains("no such container")))) {
            // Podman answers 500 "no such container" for a container being removed at that moment.
            return new SandboxNotFoundException(id);
        }
        if (e instanceof NotModifiedException n) {
            return new SandboxEngineException("not modified", 304, n);
        }
        if (e instanceof DockerException d) {
            return new SandboxEngineException("the container engine refused: " + engineMessage(d), d.getHttpStatus(), d);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return new SandboxEngineUnavailableException(endpoint, e);
            }
        }
        return e instanceof RuntimeException r ? r : new SandboxEngineException(e.toString(), 0, e);
    }

    private static String engineMessage(DockerException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.debug("clean-up step failed", e);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxEngineException("interrupted", 0, e);
        }
    }

    /** Writes at most {@code limit} bytes to the tar entry; more content is an error. */
    private static final class BoundedOutput extends java.io.OutputStream {
        private final java.io.OutputStream out;
        private long remaining;

        BoundedOutput(java.io.OutputStream out, long limit) {
            this.out = out;
            this.remaining = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > remaining) {
                throw new IOException("content is longer than the announced size");
            }
            out.write(b, off, len);
            remaining -= len;
        }
    }
}
