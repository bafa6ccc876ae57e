package dev.opencomputer.sdk.sandboxes;

import java.time.Instant;

/**
 * A sandbox as the API shows it.
 *
 * @param status   {@code running}, {@code stopped} (workspace kept), {@code died} (killed, out of
 *                 memory or its container vanished; {@link Sandboxes#start} brings it back on its
 *                 workspace) or {@code lost} (container and workspace are gone; delete it)
 * @param cpu      cores
 * @param memory   the memory limit, e.g. {@code 512MB}
 * @param network  {@code none}
 * @param exitCode the container's exit code when it {@code died} (137 = SIGKILL), else null
 * @param expiresAt when the server removes it unless it is deleted before
 */
public record Sandbox(String id, String status, String image, double cpu, String memory, String network,
        Integer exitCode, Instant expiresAt, Instant createdAt, Instant updatedAt) {

    public boolean isRunning() {
        return "running".equals(status);
    }
}
