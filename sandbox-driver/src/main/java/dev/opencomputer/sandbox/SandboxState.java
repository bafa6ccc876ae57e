package dev.opencomputer.sandbox;

import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.util.Map;

/**
 * A sandbox as the engine sees it right now.
 *
 * @param exitCode   the container's last exit code, {@code null} while it never ended
 * @param oomKilled  the engine reported the out-of-memory killer (Podman never does: see {@link #killed()})
 * @param createdAt  when the container (or, for {@link SandboxStatus#ABSENT}, the workspace) was created
 * @param startedAt  last start, {@code null} if unknown or never started
 * @param finishedAt last end, {@code null} if unknown or still running
 * @param labels     the extra labels given at creation
 */
public record SandboxState(SandboxId id, TenantId tenant, String image, SandboxStatus status, Integer exitCode,
                           boolean oomKilled, SandboxLimits limits, NetworkAccess network, Instant createdAt,
                           Instant startedAt, Instant finishedAt, Map<String, String> labels) {

    public SandboxState {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public boolean running() {
        return status == SandboxStatus.RUNNING;
    }

    /** The container was killed with SIGKILL (exit 137): {@code docker kill}, or the out-of-memory killer. */
    public boolean killed() {
        return status == SandboxStatus.DIED && (oomKilled || Integer.valueOf(137).equals(exitCode));
    }
}
