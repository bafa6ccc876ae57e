package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.opencomputer.sandbox.DiskUsage;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.session.SandboxId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk watchdog, for what the engine does not limit itself: while commands run in a sandbox, every
 * {@code disk-check-interval} it measures the sandbox's writable layer (the engine's {@code SizeRw},
 * unless {@code read-only-root}) plus its workspace when that has no quota of its own (no
 * {@code disk-quota-dir}: {@code du} inside), and past the sandbox's disk quota (the container's
 * {@link SandboxLabels#DISK_LIMIT}) ends every running command of the sandbox with
 * {@link dev.opencomputer.sandbox.Termination#DISK_EXCEEDED}. One measurement at a time per sandbox.
 */
final class DiskWatch {

    private static final Logger log = LoggerFactory.getLogger(DiskWatch.class);
    private static final String WORKSPACE_KIB = "du -skx /workspace 2>/dev/null | cut -f1";

    private final SandboxConfig config;
    private final DockerEngine engine;
    private final ScriptRunner scripts;
    private final Map<SandboxId, Watched> watched = new ConcurrentHashMap<>();

    DiskWatch(SandboxConfig config, DockerEngine engine, ScriptRunner scripts) {
        this.config = config;
        this.engine = engine;
        this.scripts = scripts;
    }

    /** Holds {@code execution}'s sandbox to its quota until the execution ends. */
    void watch(SandboxId sandbox, DockerExecution execution) {
        if (!config.watchesDisk()) {
            return;
        }
        watched.compute(sandbox, (id, w) -> {
            Watched to = w != null ? w : new Watched(id);
            to.executions.add(execution);
            return to;
        });
        execution.result().whenComplete((result, failure) -> release(sandbox, execution));
    }

    private void release(SandboxId sandbox, DockerExecution execution) {
        watched.computeIfPresent(sandbox, (id, w) -> {
            w.executions.remove(execution);
            if (w.executions.isEmpty()) {
                w.task.cancel(false);
                return null;
            }
            return w;
        });
    }

    /** Bytes written where the engine sets no limit, and the limit; null when the sandbox has no limit label. */
    DiskUsage measure(SandboxId sandbox) {
        InspectContainerResponse container = engine.call(sandbox, () -> engine.control()
                .inspectContainerCmd(SandboxLabels.containerName(sandbox)).withSize(true).exec());
        Map<String, String> labels = container.getConfig() == null ? null : container.getConfig().getLabels();
        String limit = labels == null ? null : labels.get(SandboxLabels.DISK_LIMIT);
        if (limit == null) {
            return null;
        }
        long used = 0;
        if (!config.readOnlyRoot() && container.getSizeRw() != null) {
            used += container.getSizeRw();
        }
        if (!config.enforcesDiskQuota()) {
            String kib = scripts.runPrivileged(sandbox, WORKSPACE_KIB).strip();
            if (kib.matches("[0-9]+")) {
                used += Long.parseLong(kib) * 1024;
            }
        }
        return new DiskUsage(used, Long.parseLong(limit));
    }

    private final class Watched {
        final SandboxId sandbox;
        final Set<DockerExecution> executions = ConcurrentHashMap.newKeySet();
        final AtomicBoolean measuring = new AtomicBoolean();
        final ScheduledFuture<?> task;

        Watched(SandboxId sandbox) {
            this.sandbox = sandbox;
            long every = config.diskCheckInterval().toMillis();
            this.task = engine.timers().scheduleWithFixedDelay(() -> {
                if (measuring.compareAndSet(false, true)) {
                    Thread.ofVirtual().name("oc-disk-watch-" + sandbox.value()).start(this::check);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }

        private void check() {
            try {
                DiskUsage usage = measure(sandbox);
                if (usage != null && usage.usedBytes() > usage.limitBytes()) {
                    log.info("sandbox {} wrote {} bytes, past its disk quota of {}: its commands are killed",
                            sandbox, usage.usedBytes(), usage.limitBytes());
                    executions.forEach(execution -> execution.exceedDisk(usage));
                }
            } catch (SandboxException | IllegalStateException e) {
                log.debug("disk of sandbox {} not measured: {}", sandbox, e.getMessage());
            } finally {
                measuring.set(false);
            }
        }
    }
}
