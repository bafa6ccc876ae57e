package dev.opencomputer.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of sandboxes, bound from {@code opencomputer.sandbox.*}. Every component may be left
 * {@code null} (unset) and takes the documented default; invariants are checked on construction.
 *
 * @param dockerHost         Engine API endpoint; unset = {@code DOCKER_HOST}, else {@code unix:///var/run/docker.sock}
 * @param instance           label value separating this installation's containers from others' on a shared engine
 * @param defaultImage       image for sandboxes that do not name one
 * @param defaultCpu         cores for sandboxes that do not ask (1)
 * @param maxCpu             the most cores a sandbox may ask for (4)
 * @param defaultMemory      memory for sandboxes that do not ask (1GB)
 * @param maxMemory          the most memory a sandbox may ask for (8GB)
 * @param pidsLimit          processes + threads per sandbox (1024)
 * @param imageMounts        operator-configured read-only bind mounts per image
 * @param stopTimeout        grace period between SIGTERM and SIGKILL on stop (5s)
 * @param engineTimeout      how long a single Engine API call may take before the engine counts as unavailable (60s)
 * @param connectTimeout     how long connecting to the engine may take (5s)
 * @param defaultExecTimeout command timeout when the caller gives none (10m)
 * @param maxExecTimeout     the longest command timeout a caller may ask for (2h)
 * @param outputTail         how much of each output stream a result keeps (64KB); the rest is only streamed
 * @param maxFileSize        the largest file that may be written or read at once (64MB)
 * @param defaultTtl         lifetime of an API sandbox that does not ask for one (1h)
 * @param maxTtl             the longest lifetime an API sandbox may ask for (24h)
 * @param reapInterval       how often expired and orphaned sandboxes are removed (30s)
 * @param socketDir          absolute directory on the engine's host under which each sandbox gets its own
 *                           subdirectory, mounted read-only at {@value #SOCKET_MOUNT}: the brain serves the
 *                           model gateway's and the egress proxy's Unix sockets there (unset = no such
 *                           mount, no gateway, no egress). Sandboxes never get a network interface of
 *                           their own: they reach the network only through the egress proxy
 * @param user               {@code uid:gid} (numeric) every process of a sandbox runs as; {@code 0:0} is root
 *                           without capabilities (1000:1000, the {@code sandbox} user of the default image)
 * @param readOnlyRoot       whether a sandbox's root filesystem is read-only, leaving {@code /workspace} and a
 *                           size-limited tmpfs {@code /tmp} writable (false)
 * @param tmpSize            the size of that tmpfs {@code /tmp} (256MB); it counts against the sandbox's memory
 * @param allowedImages      the only images sandboxes may use (the default image is always allowed); empty = any
 * @param diskQuotaDir       absolute directory on the engine's host (reachable by this process too) for the
 *                           workspaces' loop-mounted ext4 image files; unset = workspaces without a size limit
 * @param defaultDiskQuota   workspace size of a sandbox that does not ask (10GB); only with {@code disk-quota-dir}
 * @param maxDiskQuota       the largest workspace a sandbox may ask for (100GB)
 * @param diskCheckInterval  how often the disk watchdog measures a sandbox while a command runs in it (5s):
 *                           its writable layer unless {@code read-only-root}, and its workspace unless
 *                           {@code disk-quota-dir} gives it a quota of its own; past the sandbox's disk
 *                           quota its commands are killed ({@link Termination#DISK_EXCEEDED})
 */
public record SandboxConfig(String dockerHost, String instance, String defaultImage, Double defaultCpu, Double maxCpu,
                            ByteSize defaultMemory, ByteSize maxMemory, Integer pidsLimit,
                            List<ImageMount> imageMounts, Duration stopTimeout,
                            Duration engineTimeout, Duration connectTimeout, Duration defaultExecTimeout,
                            Duration maxExecTimeout, ByteSize outputTail, ByteSize maxFileSize, Duration defaultTtl,
                            Duration maxTtl, Duration reapInterval, String socketDir, String user,
                            Boolean readOnlyRoot, ByteSize tmpSize, List<String> allowedImages, String diskQuotaDir,
                            ByteSize defaultDiskQuota, ByteSize maxDiskQuota, Duration diskCheckInterval) {

    /** Where a sandbox sees its own subdirectory of {@link #socketDir()}. */
    public static final String SOCKET_MOUNT = "/run/opencomputer";
    /** The smallest workspace quota (an ext4 file system needs room for its own structures). */
    public static final long MIN_DISK_QUOTA = 16L * 1024 * 1024;

    public SandboxConfig {
        socketDir = socketDir == null || socketDir.isBlank() ? null : socketDir.strip();
        if (socketDir != null && !socketDir.startsWith("/")) {
            throw new IllegalArgumentException("opencomputer.sandbox.socket-dir must be an absolute path");
        }
        instance = or(instance, "default");
        if (!instance.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("opencomputer.sandbox.instance must be a short name of letters, digits, '_', '.', '-'");
        }
        defaultImage = or(defaultImage, "opencomputer-sandbox:latest");
        defaultCpu = or(defaultCpu, 1.0);
        maxCpu = or(maxCpu, 4.0);
        defaultMemory = or(defaultMemory, ByteSize.ofGigabytes(1));
        maxMemory = or(maxMemory, ByteSize.ofGigabytes(8));
        pidsLimit = or(pidsLimit, 1024);
        imageMounts = imageMounts == null ? List.of() : List.copyOf(imageMounts);
        stopTimeout = or(stopTimeout, Duration.ofSeconds(5));
        engineTimeout = or(engineTimeout, Duration.ofSeconds(60));
        connectTimeout = or(connectTimeout, Duration.ofSeconds(5));
        defaultExecTimeout = or(defaultExecTimeout, Duration.ofMinutes(10));
        maxExecTimeout = or(maxExecTimeout, Duration.ofHours(2));
        outputTail = or(outputTail, ByteSize.ofKilobytes(64));
        maxFileSize = or(maxFileSize, ByteSize.ofMegabytes(64));
        defaultTtl = or(defaultTtl, Duration.ofHours(1));
        maxTtl = or(maxTtl, Duration.ofHours(24));
        reapInterval = or(reapInterval, Duration.ofSeconds(30));
        user = or(user, "1000:1000").strip();
        require(user.matches("[0-9]{1,9}:[0-9]{1,9}"), "user must be a numeric uid:gid, e.g. 1000:1000");
        readOnlyRoot = or(readOnlyRoot, false);
        tmpSize = or(tmpSize, ByteSize.ofMegabytes(256));
        require(tmpSize.toBytes() >= ByteSize.ofMegabytes(1).toBytes(), "tmp-size must be at least 1MB");
        allowedImages = allowedImages == null ? List.of()
                : allowedImages.stream().map(String::strip).filter(i -> !i.isEmpty()).toList();
        diskQuotaDir = diskQuotaDir == null || diskQuotaDir.isBlank() ? null : diskQuotaDir.strip();
        require(diskQuotaDir == null || diskQuotaDir.startsWith("/"), "disk-quota-dir must be an absolute path");
        defaultDiskQuota = or(defaultDiskQuota, ByteSize.ofGigabytes(10));
        maxDiskQuota = or(maxDiskQuota, ByteSize.ofGigabytes(100));
        require(defaultDiskQuota.toBytes() >= MIN_DISK_QUOTA && defaultDiskQuota.compareTo(maxDiskQuota) <= 0,
                "default-disk-quota must be at least 16MB and at most max-disk-quota");
        diskCheckInterval = or(diskCheckInterval, Duration.ofSeconds(5));
        require(positive(diskCheckInterval), "disk-check-interval must be positive");
        HostPaths.checkMounts(imageMounts, resolvedDockerHost(dockerHost));

        require(defaultCpu > 0 && defaultCpu <= maxCpu, "default-cpu must be positive and at most max-cpu");
        require(defaultMemory.toBytes() >= ByteSize.ofMegabytes(6).toBytes()
                && defaultMemory.compareTo(maxMemory) <= 0, "default-memory must be at least 6MB and at most max-memory");
        require(pidsLimit >= 8, "pids-limit must be at least 8");
        require(positive(stopTimeout) && positive(engineTimeout) && positive(connectTimeout),
                "stop-timeout, engine-timeout and connect-timeout must be positive");
        require(stopTimeout.plusSeconds(5).compareTo(engineTimeout) <= 0,
                "engine-timeout must exceed stop-timeout by at least 5s (a stop call waits for the grace period)");
        require(positive(defaultExecTimeout) && defaultExecTimeout.compareTo(maxExecTimeout) <= 0,
                "default-exec-timeout must be positive and at most max-exec-timeout");
        require(outputTail.toBytes() >= 1024 && outputTail.toBytes() <= ByteSize.ofMegabytes(16).toBytes(),
                "output-tail must be between 1KB and 16MB");
        require(maxFileSize.toBytes() > 0, "max-file-size must be positive");
        require(positive(defaultTtl) && defaultTtl.compareTo(maxTtl) <= 0, "default-ttl must be positive and at most max-ttl");
        require(positive(reapInterval), "reap-interval must be positive");
    }

    /** Every default. */
    public static SandboxConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The resolved Engine API endpoint. */
    public String resolvedDockerHost() {
        return resolvedDockerHost(dockerHost);
    }

    private static String resolvedDockerHost(String dockerHost) {
        if (dockerHost != null && !dockerHost.isBlank()) {
            return dockerHost;
        }
        String env = System.getenv("DOCKER_HOST");
        return env != null && !env.isBlank() ? env : "unix:///var/run/docker.sock";
    }

    /** The host directory of one sandbox's sockets, empty when no socket directory is configured. */
    public java.util.Optional<java.nio.file.Path> socketDirOf(dev.opencomputer.session.SandboxId id) {
        return socketDir == null ? java.util.Optional.empty()
                : java.util.Optional.of(java.nio.file.Path.of(socketDir, id.value()));
    }

    /** Whether sandboxes may use {@code image}: the default image, or any when no allow-list is configured. */
    public boolean allowsImage(String image) {
        return allowedImages.isEmpty() || image == null || image.isBlank() || image.equals(defaultImage)
                || allowedImages.contains(image);
    }

    /** Whether workspaces get a size limit (a loop-mounted file system under {@link #diskQuotaDir()}). */
    public boolean enforcesDiskQuota() {
        return diskQuotaDir != null;
    }

    /**
     * Whether the disk watchdog has something to measure: the writable layer (no {@code read-only-root})
     * or a workspace without a quota of its own (no {@code disk-quota-dir}).
     */
    public boolean watchesDisk() {
        return !readOnlyRoot || !enforcesDiskQuota();
    }

    /** The limits a sandbox gets when it asks for nothing. */
    public SandboxLimits defaultLimits() {
        return new SandboxLimits(defaultCpu, defaultMemory.toBytes(), pidsLimit);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("opencomputer.sandbox: " + message);
        }
    }

    /** Builds a configuration; unset values take their defaults. */
    public static final class Builder {
        private String dockerHost;
        private String instance;
        private String defaultImage;
        private Double defaultCpu;
        private Double maxCpu;
        private ByteSize defaultMemory;
        private ByteSize maxMemory;
        private Integer pidsLimit;
        private List<ImageMount> imageMounts;
        private Duration stopTimeout;
        private Duration engineTimeout;
        private Duration connectTimeout;
        private Duration defaultExecTimeout;
        private Duration maxExecTimeout;
        private ByteSize outputTail;
        private ByteSize maxFileSize;
        private Duration defaultTtl;
        private Duration maxTtl;
        private Duration reapInterval;
        private String socketDir;
        private String user;
        private Boolean readOnlyRoot;
        private ByteSize tmpSize;
        private List<String> allowedImages;
        private String diskQuotaDir;
        private ByteSize defaultDiskQuota;
        private ByteSize maxDiskQuota;
        private Duration diskCheckInterval;

        private Builder() {
        }

        private Builder(SandboxConfig c) {
            dockerHost = c.dockerHost;
            instance = c.instance;
            defaultImage = c.defaultImage;
            defaultCpu = c.defaultCpu;
            maxCpu = c.maxCpu;
            defaultMemory = c.defaultMemory;
            maxMemory = c.maxMemory;
            pidsLimit = c.pidsLimit;
            imageMounts = c.imageMounts;
            stopTimeout = c.stopTimeout;
            engineTimeout = c.engineTimeout;
            connectTimeout = c.connectTimeout;
            defaultExecTimeout = c.defaultExecTimeout;
            maxExecTimeout = c.maxExecTimeout;
            outputTail = c.outputTail;
            maxFileSize = c.maxFileSize;
            defaultTtl = c.defaultTtl;
            maxTtl = c.maxTtl;
            reapInterval = c.reapInterval;
            socketDir = c.socketDir;
            user = c.user;
            readOnlyRoot = c.readOnlyRoot;
            tmpSize = c.tmpSize;
            allowedImages = c.allowedImages;
            diskQuotaDir = c.diskQuotaDir;
            defaultDiskQuota = c.defaultDiskQuota;
            maxDiskQuota = c.maxDiskQuota;
            diskCheckInterval = c.diskCheckInterval;
        }

        public Builder dockerHost(String v) { dockerHost = v; return this; }
        public Builder instance(String v) { instance = v; return this; }
        public Builder defaultImage(String v) { defaultImage = v; return this; }
        public Builder defaultCpu(double v) { defaultCpu = v; return this; }
        public Builder maxCpu(double v) { maxCpu = v; return this; }
        public Builder defaultMemory(ByteSize v) { defaultMemory = v; return this; }
        public Builder maxMemory(ByteSize v) { maxMemory = v; return this; }
        public Builder pidsLimit(int v) { pidsLimit = v; return this; }
        public Builder imageMounts(List<ImageMount> v) { imageMounts = Objects.requireNonNull(v); return this; }
        public Builder stopTimeout(Duration v) { stopTimeout = v; return this; }
        public Builder engineTimeout(Duration v) { engineTimeout = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder defaultExecTimeout(Duration v) { defaultExecTimeout = v; return this; }
        public Builder maxExecTimeout(Duration v) { maxExecTimeout = v; return this; }
        public Builder outputTail(ByteSize v) { outputTail = v; return this; }
        public Builder maxFileSize(ByteSize v) { maxFileSize = v; return this; }
        public Builder defaultTtl(Duration v) { defaultTtl = v; return this; }
        public Builder maxTtl(Duration v) { maxTtl = v; return this; }
        public Builder reapInterval(Duration v) { reapInterval = v; return this; }
        public Builder socketDir(String v) { socketDir = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder readOnlyRoot(boolean v) { readOnlyRoot = v; return this; }
        public Builder tmpSize(ByteSize v) { tmpSize = v; return this; }
        public Builder allowedImages(List<String> v) { allowedImages = Objects.requireNonNull(v); return this; }
        public Builder diskQuotaDir(String v) { diskQuotaDir = v; return this; }
        public Builder defaultDiskQuota(ByteSize v) { defaultDiskQuota = v; return this; }
        public Builder maxDiskQuota(ByteSize v) { maxDiskQuota = v; return this; }
        public Builder diskCheckInterval(Duration v) { diskCheckInterval = v; return this; }

        public SandboxConfig build() {
            return new SandboxConfig(dockerHost, instance, defaultImage, defaultCpu, maxCpu, defaultMemory, maxMemory,
                    pidsLimit, imageMounts, stopTimeout, engineTimeout, connectTimeout,
                    defaultExecTimeout, maxExecTimeout, outputTail, maxFileSize, defaultTtl, maxTtl, reapInterval, socketDir,
                    user, readOnlyRoot, tmpSize, allowedImages, diskQuotaDir, defaultDiskQuota, maxDiskQuota,
                    diskCheckInterval);
        }
    }
}
