package dev.opencomputer.server.sandboxes;

import java.time.Instant;

/**
 * A sandbox as the API shows it.
 *
 * @param status   {@code running}, {@code stopped} (workspace kept), {@code died} (killed, out
 *                 of memory, or its container vanished; {@code start} brings it back on its workspace) or
 *                 {@code lost} (container and workspace are gone)
 * @param memory   the memory limit, e.g. {@code 512MB}
 * @param network  {@code none} (sandboxes have no network interface; see docs/network.md)
 * @param exitCode the container's exit code when it {@code died}
 */
public record Sandbox(String id, String status, String image, double cpu, String memory, String network,
        Integer exitCode, Instant expiresAt, Instant createdAt, Instant updatedAt) {
}
