package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.SandboxAlreadyExistsException;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxImageNotFoundException;
import dev.opencomputer.sandbox.SandboxLimits;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.sandbox.docker.EngineFailures.EngineConflictException;
import dev.opencomputer.sandbox.docker.EngineFailures.EngineNotModifiedException;
import dev.opencomputer.session.SandboxId;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, starts, stops and removes a sandbox's container and workspace volume, within the limits the
 * configuration allows. The container's main process is a tiny shell loop under the engine's init.
 */
final class ContainerLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DockerSandboxDriver.class);
    private static final String ROOT = "0:0";

    private final SandboxConfig config;
    private final Clock clock;
    private final DockerEngine engine;
    private final WorkspaceVolumes workspaces;
    private final ScriptRunner scripts;

    ContainerLifecycle(SandboxConfig config, Clock clock, DockerEngine engine, ScriptRunner scripts) {
        this.config = config;
        this.clock = clock;
        this.engine = engine;
        this.workspaces = new WorkspaceVolumes(config, engine);
        this.scripts = scripts;
    }

    SandboxState create(SandboxSpec spec) {
        String image = spec.image() != null && !spec.image().isBlank() ? spec.image() : config.defaultImage();
        SandboxLimits limits = spec.limits() != null ? spec.limits() : config.defaultLimits();
        checkAllowed(spec, limits);
        Map<String, String> labels = SandboxLabels.encode(config.instance(), spec, image, limits);
        long t0 = System.nanoTime();
        WorkspaceVolumes.Workspace workspace = engine.call(spec.id(), () -> workspaces.ensure(spec, labels));
        boolean newWorkspace = workspace.created();
        long t1 = System.nanoTime();
        String name = SandboxLabels.containerName(spec.id());
        Map<String, String> containerLabels = new java.util.LinkedHashMap<>(labels);
        containerLabels.put(SandboxLabels.DISK_LIMIT, Long.toString(workspace.quotaBytes() != null ? workspace.quotaBytes()
                : spec.diskQuotaBytes() != null ? spec.diskQuotaBytes() : config.defaultDiskQuota().toBytes()));
        try {
            engine.call(spec.id(), () -> engine.control().createContainerCmd(image)
                    .withName(name)
                    .withEntrypoint("/bin/sh", "-c")
                    .withCmd(SandboxScripts.KEEP_ALIVE)
                    .withWorkingDir(WorkspacePath.ROOT)
                    .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withLabels(containerLabels)
                    .withTty(false)
                    .withUser(workspace.user())
                    .withHostConfig(hostConfig(spec, image, limits))
                    .exec());
        } catch (SandboxNotFoundException e) {
            removeWorkspaceIf(newWorkspace, spec.id());
            throw new SandboxImageNotFoundException(image);
        } catch (EngineConflictException e) {
            throw new SandboxAlreadyExistsException(spec.id());
        } catch (RuntimeException e) {
            removeWorkspaceIf(newWorkspace, spec.id());
            throw e;
        }
        long t2 = System.nanoTime();
        try {
            engine.call(spec.id(), () -> engine.control().startContainerCmd(name).exec());
        } catch (RuntimeException e) {
            log.warn("sandbox {} was created but did not start; removing it", spec.id());
            DockerEngine.quietly(() -> engine.control().removeContainerCmd(name).withForce(true).exec());
            removeWorkspaceIf(newWorkspace, spec.id());
            throw e;
        }
        if ((newWorkspace || !ROOT.equals(workspace.user()))
                && !ownOnHost(spec.id(), workspace)) {
            ownWorkspace(spec.id(), workspace.user(), name, newWorkspace);
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

    void start(SandboxId id) {
        try {
            engine.call(id, () -> engine.control().startContainerCmd(SandboxLabels.containerName(id)).exec());
        } catch (EngineNotModifiedException e) {
            // already running
        }
    }

    void stop(SandboxId id) {
        try {
            engine.call(id, () -> engine.control().stopContainerCmd(SandboxLabels.containerName(id))
                    .withTimeout((int) Math.max(1, config.stopTimeout().toSeconds()))
                    .exec());
        } catch (EngineNotModifiedException e) {
            // already stopped
        }
    }

    void remove(SandboxId id) {
        try {
            engine.call(id, () -> engine.control().removeContainerCmd(SandboxLabels.containerName(id))
                    .withForce(true).withRemoveVolumes(true).exec());
        } catch (SandboxNotFoundException e) {
            // already gone
        }
        // The engine may still be tearing the container down: the volume is busy for a moment.
        long deadline = System.nanoTime() + config.engineTimeout().toNanos();
        while (true) {
            try {
                engine.call(id, () -> {
                    workspaces.remove(id);
                    return null;
                });
                break;
            } catch (SandboxNotFoundException e) {
                break;
            } catch (EngineConflictException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                DockerEngine.pause(Duration.ofMillis(50));
            }
        }
        log.info("removed sandbox {}", id);
    }

    /**
     * Gives the workspace's root directory to the sandbox's user. The engine makes a fresh volume's root
     * look like the image's {@code /workspace} (root's, in most images) when it first mounts it, so this
     * runs after the start as a privileged exec: the container itself keeps no capability at all.
     */
    private void ownWorkspace(SandboxId id, String user, String name, boolean newWorkspace) {
        try {
            // A fresh ext4 file system brings lost+found, which would show in every listing of the workspace.
            String out = scripts.runPrivileged(id, "rmdir " + WorkspacePath.ROOT + "/lost+found 2>/dev/null; "
                    + "chown \"$1\" " + WorkspacePath.ROOT + " && echo ok", "oc-own", user);
            if (!out.strip().equals("ok")) {
                throw new dev.opencomputer.sandbox.SandboxEngineException("cannot give " + WorkspacePath.ROOT
                        + " to " + user + " in " + id, null);
            }
        } catch (dev.opencomputer.sandbox.SandboxNotRunningException | SandboxNotFoundException e) {
            // Stopped or removed by someone else right after the start (a reaper, a concurrent stop): what
            // happened to it stands. A container created on this workspace again gives it to its user then.
            log.info("sandbox {} was stopped or removed before its workspace was given to {}", id, user);
        } catch (RuntimeException e) {
            log.warn("sandbox {}: the workspace could not be given to its user {}; removing it", id, user);
            DockerEngine.quietly(() -> engine.control().removeContainerCmd(name).withForce(true).exec());
            removeWorkspaceIf(newWorkspace, id);
            throw e;
        }
    }

    /**
     * Does {@link #ownWorkspace}'s work from this host, without an exec (which costs a create tens of
     * milliseconds), when the engine is local: the volume's directory as the engine reports it is
     * reachable here and this process may change its owner. A workspace with a size limit must show
     * its fresh file system's {@code lost+found} here, else what is seen is not the mounted volume.
     * False (the exec does it) whenever anything about that does not hold.
     */
    private boolean ownOnHost(SandboxId id, WorkspaceVolumes.Workspace workspace) {
        String mountpoint = workspace.mountpoint();
        if (mountpoint == null || mountpoint.isBlank()) {
            return false;
        }
        try {
            Path root = Path.of(mountpoint);
            if (!root.isAbsolute() || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Path lostFound = root.resolve("lost+found");
            if (Files.isDirectory(lostFound, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(lostFound);
            } else if (workspace.quotaBytes() != null) {
                return false;
            }
            String[] ids = workspace.user().split(":");
            Files.setAttribute(root, "unix:uid", Integer.parseInt(ids[0]), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(root, "unix:gid", Integer.parseInt(ids[1]), LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("sandbox {}: the workspace is given to its user by an exec ({})", id, e.toString());
            return false;
        }
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
        String image = spec.image() != null && !spec.image().isBlank() ? spec.image() : config.defaultImage();
        if (!config.allowsImage(image)) {
            throw new SandboxSpecRejectedException("image", image + " is not among the images this installation "
                    + "allows (" + String.join(", ", allowedList()) + ")");
        }
        SandboxLabels.checkUserLabels(spec.labels());
    }

    private java.util.List<String> allowedList() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        all.add(config.defaultImage());
        all.addAll(config.allowedImages());
        return List.copyOf(all);
    }

    private HostConfig hostConfig(SandboxSpec spec, String image, SandboxLimits limits) {
        List<Bind> binds = new java.util.ArrayList<>(config.imageMounts().stream()
                .filter(m -> m.appliesTo(image))
                .map(ImageMount::bind)
                .map(Bind::parse)
                .toList());
        config.socketDirOf(spec.id()).ifPresent(dir -> binds.add(Bind.parse(socketDir(dir) + ":"
                + SandboxConfig.SOCKET_MOUNT + ":ro")));
        HostConfig host = HostConfig.newHostConfig();
        if (config.readOnlyRoot()) {
            host = host.withReadonlyRootfs(true).withTmpFs(Map.of("/tmp",
                    "rw,nosuid,nodev,size=" + config.tmpSize().toBytes() + ",mode=1777"));
        }
        return host
                // "none" rather than the network-disabled flag, which Podman ignores; always: the network is
                // reached only through the egress proxy on the socket directory.
                .withNetworkMode("none")
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
                        .withSource(SandboxLabels.workspaceName(spec.id()))
                        .withTarget(WorkspacePath.ROOT)))
                .withBinds(binds);
    }

    /**
     * The sandbox's own socket directory on the host, created when missing: the brain binds the
     * model gateway's socket in it, the sandbox sees it read-only (connecting to a socket needs no
     * write access to its mount).
     */
    private static String socketDir(java.nio.file.Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            dir.toFile().setReadable(true, false);
            dir.toFile().setExecutable(true, false);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the sandbox's socket directory " + dir, e);
        }
        return dir.toString();
    }

    private void removeWorkspaceIf(boolean created, SandboxId id) {
        if (created) {
            DockerEngine.quietly(() -> workspaces.remove(id));
        }
    }
}
