package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.model.HostConfig;
import dev.opencomputer.sandbox.NetworkAccess;
import dev.opencomputer.sandbox.SandboxLimits;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.session.SandboxId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a sandbox is written into engine objects: the names of its container and volume, and the labels
 * that carry its instance, tenant, id, image, limits and network (so that the engine alone can answer
 * {@code inspect} and {@code list}), kept apart from the caller's own labels.
 */
final class SandboxLabels {

    static final String INSTANCE = "dev.opencomputer.instance";
    static final String TENANT = "dev.opencomputer.tenant";
    static final String SANDBOX = "dev.opencomputer.sandbox";
    static final String IMAGE = "dev.opencomputer.image";
    static final String CPUS = "dev.opencomputer.cpus";
    static final String MEMORY = "dev.opencomputer.memory";
    static final String PIDS = "dev.opencomputer.pids";
    static final String NETWORK = "dev.opencomputer.network";
    static final String WORKSPACE_NONCE = "dev.opencomputer.workspace-nonce";
    /** On the workspace volume: the {@code uid:gid} owning it, which its sandbox's processes run as. */
    static final String USER = "dev.opencomputer.user";
    /** On the workspace volume: its size limit in bytes, when it has one. */
    static final String DISK_QUOTA = "dev.opencomputer.disk-quota";
    /** On the workspace volume: the image file holding its file system, when it has one. */
    static final String DISK_IMAGE = "dev.opencomputer.disk-image";
    /** On the container: the sandbox's disk quota in bytes, which the disk watchdog holds it to. */
    static final String DISK_LIMIT = "dev.opencomputer.disk-limit";
    private static final Set<String> RESERVED = Set.of(INSTANCE, TENANT, SANDBOX, IMAGE, CPUS, MEMORY, PIDS,
            NETWORK, WORKSPACE_NONCE, USER, DISK_QUOTA, DISK_IMAGE, DISK_LIMIT);

    private SandboxLabels() {
    }

    static String containerName(SandboxId id) {
        return "oc-" + id.value();
    }

    static String workspaceName(SandboxId id) {
        return "oc-" + id.value() + "-workspace";
    }

    /** Rejects caller labels the driver sets itself. */
    static void checkUserLabels(Map<String, String> labels) {
        for (String key : labels.keySet()) {
            if (RESERVED.contains(key)) {
                throw new SandboxSpecRejectedException("labels", key + " is set by the driver");
            }
        }
    }

    /** The labels of a new sandbox's container and volume: the caller's plus the driver's. */
    static Map<String, String> encode(String instance, SandboxSpec spec, String image, SandboxLimits limits) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(INSTANCE, instance);
        labels.put(TENANT, spec.tenant().value());
        labels.put(SANDBOX, spec.id().value());
        labels.put(IMAGE, image);
        labels.put(CPUS, Double.toString(limits.cpus()));
        labels.put(MEMORY, Long.toString(limits.memoryBytes()));
        labels.put(PIDS, Integer.toString(limits.pids()));
        labels.put(NETWORK, spec.network().name());
        return labels;
    }

    /** The limits in force: the container's host config where the engine reports them, else the labels; null if neither. */
    static SandboxLimits limits(Map<String, String> labels, HostConfig host) {
        try {
            double cpus = host != null && host.getNanoCPUs() != null && host.getNanoCPUs() > 0
                    ? host.getNanoCPUs() / 1e9 : Double.parseDouble(labels.get(CPUS));
            long memory = host != null && host.getMemory() != null && host.getMemory() > 0
                    ? host.getMemory() : Long.parseLong(labels.get(MEMORY));
            int pids = host != null && host.getPidsLimit() != null && host.getPidsLimit() > 0
                    ? host.getPidsLimit().intValue() : Integer.parseInt(labels.get(PIDS));
            return new SandboxLimits(cpus, memory, pids);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static NetworkAccess network(Map<String, String> labels) {
        return NetworkAccess.NONE; // the only mode; old containers labelled EGRESS were created before it went
    }

    /** The caller's labels among an engine object's labels. */
    static Map<String, String> userLabels(Map<String, String> labels) {
        Map<String, String> user = new HashMap<>(labels);
        user.keySet().removeAll(RESERVED);
        // Image labels (maintainer etc.) show up among container labels on some engines.
        user.keySet().removeIf(k -> k.startsWith("org.opencontainers.") || k.startsWith("io.buildah.")
                || k.startsWith("io.podman."));
        return user;
    }
}
