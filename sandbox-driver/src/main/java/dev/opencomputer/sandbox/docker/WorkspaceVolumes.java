package dev.opencomputer.sandbox.docker;

import dev.opencomputer.sandbox.SandboxAlreadyExistsException;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.sandbox.docker.EngineFailures.EngineObjectMissingException;
import dev.opencomputer.session.SandboxId;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox's workspace volume. With a {@linkplain SandboxConfig#diskQuotaDir() disk-quota directory}
 * the volume is a sparse file holding its own ext4 file system, loop-mounted by the engine's {@code local}
 * driver ({@code type=ext4, device=<file>, o=loop}): writes past its size fail with ENOSPC inside the
 * sandbox, and the host only carries the blocks actually written. Without one it is a plain volume.
 * The file is created here (this process and the engine share the host) and removed with the volume.
 */
final class WorkspaceVolumes {

    private static final Logger log = LoggerFactory.getLogger(DockerSandboxDriver.class);

    /**
     * What a workspace is: whether this call created it, the user owning it, its size limit (null = none),
     * and its directory on the engine's host as the engine reports it (null when it reports none).
     */
    record Workspace(boolean created, String user, Long quotaBytes, String mountpoint) {
    }

    /** An existing volume's labels and mount point. */
    private record Existing(Map<String, String> labels, String mountpoint) {
    }

    private final SandboxConfig config;
    private final DockerEngine engine;

    WorkspaceVolumes(SandboxConfig config, DockerEngine engine) {
        this.config = config;
        this.engine = engine;
    }

    /**
     * Creates the workspace volume, or checks that the existing one is this tenant's. Creating a volume
     * that exists answers the existing one (Docker and Podman alike) with the labels it was created
     * with, so a fresh nonce label tells whether this call created it. A workspace created before
     * sandboxes ran unprivileged has no user label: its files are root's, so its sandbox stays root.
     */
    Workspace ensure(SandboxSpec spec, Map<String, String> labels) {
        String name = SandboxLabels.workspaceName(spec.id());
        if (config.enforcesDiskQuota()) {
            Existing existing = existing(name);
            if (existing != null) {
                return reused(spec, existing.labels(), existing.mountpoint());
            }
        }
        String nonce = DockerEngine.newId();
        Map<String, String> volumeLabels = new HashMap<>(labels);
        volumeLabels.put(SandboxLabels.WORKSPACE_NONCE, nonce);
        volumeLabels.put(SandboxLabels.USER, config.user());
        var create = engine.control().createVolumeCmd().withName(name);
        Path image = null;
        Long quota = null;
        if (config.enforcesDiskQuota()) {
            quota = spec.diskQuotaBytes() != null ? spec.diskQuotaBytes() : config.defaultDiskQuota().toBytes();
            if (quota > config.maxDiskQuota().toBytes()) {
                throw new SandboxSpecRejectedException("disk", "at most " + config.maxDiskQuota() + " is allowed");
            }
            image = Path.of(config.diskQuotaDir(), name + "-" + nonce + ".img");
            makeFileSystem(image, quota);
            volumeLabels.put(SandboxLabels.DISK_QUOTA, Long.toString(quota));
            volumeLabels.put(SandboxLabels.DISK_IMAGE, image.toString());
            create = create.withDriver("local").withDriverOpts(Map.of("type", "ext4", "device", image.toString(),
                    "o", "loop"));
        }
        Map<String, String> actual;
        String mountpoint;
        try {
            var volume = create.withLabels(volumeLabels).exec();
            actual = volume.getLabels() == null ? Map.of() : volume.getLabels();
            mountpoint = volume.getMountpoint();
        } catch (RuntimeException e) {
            deleteImage(image);
            throw e;
        }
        if (!nonce.equals(actual.get(SandboxLabels.WORKSPACE_NONCE))) {
            deleteImage(image); // another call created it first, with its own file
            return reused(spec, actual, mountpoint);
        }
        return new Workspace(true, config.user(), quota, mountpoint);
    }

    /** Removes the volume and, when it had one, its file system's image file. */
    void remove(SandboxId id) {
        String name = SandboxLabels.workspaceName(id);
        Existing existing = existing(name);
        Map<String, String> labels = existing == null ? null : existing.labels();
        engine.control().removeVolumeCmd(name).exec();
        if (labels != null) {
            String image = labels.get(SandboxLabels.DISK_IMAGE);
            if (image != null && ownImage(Path.of(image))) {
                deleteImage(Path.of(image));
            }
        }
    }

    private Workspace reused(SandboxSpec spec, Map<String, String> labels, String mountpoint) {
        if (!spec.tenant().value().equals(labels.get(SandboxLabels.TENANT))) {
            throw new SandboxAlreadyExistsException(spec.id());
        }
        String quota = labels.get(SandboxLabels.DISK_QUOTA);
        return new Workspace(false, labels.getOrDefault(SandboxLabels.USER, "0:0"),
                quota == null ? null : Long.valueOf(quota), mountpoint);
    }

    /** An existing volume, or null when there is none. */
    private Existing existing(String name) {
        try {
            var volume = engine.control().inspectVolumeCmd(name).exec();
            return new Existing(volume.getLabels() == null ? Map.of() : volume.getLabels(), volume.getMountpoint());
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return null;
        } catch (SandboxNotFoundException | EngineObjectMissingException e) {
            return null;
        }
    }

    /** Only files this installation could have made are ever deleted, whatever a label says. */
    private boolean ownImage(Path image) {
        Path dir = Path.of(config.diskQuotaDir() == null ? "/nonexistent" : config.diskQuotaDir()).normalize();
        Path file = image.normalize();
        return file.getParent() != null && file.getParent().equals(dir) && file.getFileName().toString().endsWith(".img");
    }

    /** A sparse file of {@code bytes} with an empty ext4 file system owned by the sandbox user, no reserved blocks. */
    private void makeFileSystem(Path image, long bytes) {
        try {
            Path dir = image.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createFile(image, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(bytes);
            }
            // lazy_journal_init: the journal of a fresh sparse file reads as zeroes already, so it costs no blocks.
            Process mkfs = new ProcessBuilder(List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-E",
                    "lazy_journal_init=1,root_owner=" + config.user(), image.toString()))
                    .redirectErrorStream(true).start();
            mkfs.getOutputStream().close();
            if (!mkfs.waitFor(config.engineTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                mkfs.destroyForcibly();
                throw new SandboxEngineException("mkfs.ext4 did not finish in " + config.engineTimeout(), null);
            }
            String output = new String(mkfs.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (mkfs.exitValue() != 0) {
                throw new SandboxEngineException("mkfs.ext4 failed for the workspace " + image + ": " + output, null);
            }
        } catch (FileAlreadyExistsException e) {
            throw new SandboxEngineException("the workspace image " + image + " exists already", e);
        } catch (IOException e) {
            deleteImage(image);
            throw new SandboxEngineException("cannot create the workspace image " + image + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteImage(image);
            throw new SandboxEngineException("interrupted while creating the workspace image " + image, e);
        } catch (RuntimeException e) {
            deleteImage(image);
            throw e;
        }
    }

    private static void deleteImage(Path image) {
        if (image == null) {
            return;
        }
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            log.warn("could not delete the workspace image {}: {}", image, e.getMessage());
        }
    }
}
