package dev.opencomputer.sandbox;

import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import java.util.Map;
import java.util.Objects;

/**
 * What to create. The driver fills what is left {@code null} from its {@link SandboxConfig}.
 *
 * @param id      the sandbox's id; the container and workspace volume are named after it
 * @param tenant  the owning tenant, written into the container's labels
 * @param image   the image, or {@code null} for the configured default
 * @param limits  CPU / memory / pids limits, or {@code null} for the configured defaults
 * @param network always {@link NetworkAccess#NONE}: a sandbox has no network interface but loopback
 * @param env     plain environment variables for every process in the sandbox; never put a secret here
 * @param labels  extra engine labels (keys under {@code dev.opencomputer.} that the driver sets itself are refused)
 */
public record SandboxSpec(SandboxId id, TenantId tenant, String image, SandboxLimits limits, NetworkAccess network,
                          Map<String, String> env, Map<String, String> labels) {

    public SandboxSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        network = network == null ? NetworkAccess.NONE : network;
        env = env == null ? Map.of() : Map.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        env.keySet().forEach(ExecRequest::requireEnvName);
    }

    /** A sandbox with the configured default image and limits, no network, no extra env. */
    public static SandboxSpec of(SandboxId id, TenantId tenant) {
        return new SandboxSpec(id, tenant, null, null, NetworkAccess.NONE, Map.of(), Map.of());
    }

    public SandboxSpec withImage(String image) {
        return new SandboxSpec(id, tenant, image, limits, network, env, labels);
    }

    public SandboxSpec withLimits(SandboxLimits limits) {
        return new SandboxSpec(id, tenant, image, limits, network, env, labels);
    }

    public SandboxSpec withNetwork(NetworkAccess network) {
        return new SandboxSpec(id, tenant, image, limits, network, env, labels);
    }

    public SandboxSpec withEnv(Map<String, String> env) {
        return new SandboxSpec(id, tenant, image, limits, network, env, labels);
    }

    public SandboxSpec withLabels(Map<String, String> labels) {
        return new SandboxSpec(id, tenant, image, limits, network, env, labels);
    }
}
