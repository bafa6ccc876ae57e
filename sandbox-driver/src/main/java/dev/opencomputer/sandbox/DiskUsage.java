package dev.opencomputer.sandbox;

/**
 * What a sandbox's disk watchdog measured when it stopped a command: the bytes the sandbox had written
 * where the engine sets no limit of its own (its writable layer, and its workspace when it has no
 * quota), and the sandbox's disk quota.
 */
public record DiskUsage(long usedBytes, long limitBytes) {
}
