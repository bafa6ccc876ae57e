package dev.opencomputer.sandbox;

/**
 * Resource limits enforced by the engine's cgroups.
 *
 * @param cpus        CPU share in cores (0.5 = half a core)
 * @param memoryBytes memory limit, swap included (no extra swap is granted)
 * @param pids        the most processes and threads the sandbox may hold at once
 */
public record SandboxLimits(double cpus, long memoryBytes, int pids) {

    public SandboxLimits {
        if (!(cpus > 0) || Double.isInfinite(cpus)) {
            throw new SandboxSpecRejectedException("cpu", "must be a positive number of cores");
        }
        if (memoryBytes < 6L * 1024 * 1024) {
            throw new SandboxSpecRejectedException("memory", "must be at least 6 MB");
        }
        if (pids < 8) {
            throw new SandboxSpecRejectedException("pids", "must be at least 8");
        }
    }
}
