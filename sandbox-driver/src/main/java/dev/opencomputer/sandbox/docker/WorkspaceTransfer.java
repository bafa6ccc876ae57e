package dev.opencomputer.sandbox.docker;

import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxFileNotFoundException;
import dev.opencomputer.sandbox.SandboxFileTooLargeException;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.sandbox.WorkspacePathRejectedException;
import dev.opencomputer.session.SandboxId;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Moves single files in and out of a sandbox's workspace as tar streams (the Engine API's archive
 * endpoints), after resolving the path inside the container so a symbolic link cannot lead out.
 */
final class WorkspaceTransfer {

    private final SandboxConfig config;
    private final Clock clock;
    private final DockerEngine engine;
    private final ScriptRunner scripts;

    WorkspaceTransfer(SandboxConfig config, Clock clock, DockerEngine engine, ScriptRunner scripts) {
        this.config = config;
        this.clock = clock;
        this.engine = engine;
        this.scripts = scripts;
    }

    void write(SandboxId id, WorkspacePath path, InputStream content, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (size > config.maxFileSize().toBytes()) {
            throw new SandboxFileTooLargeException(path, size, config.maxFileSize().toBytes());
        }
        Resolved target = resolve(id, path, true);
        PipedInputStream tar = new PipedInputStream(64 * 1024);
        AtomicReference<Exception> writeFailure = new AtomicReference<>();
        Thread writer;
        try {
            PipedOutputStream sink = new PipedOutputStream(tar);
            writer = Thread.ofVirtual().name("oc-tar-" + id).start(() -> {
                try (TarArchiveOutputStream out = new TarArchiveOutputStream(sink)) {
                    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                    out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                    TarArchiveEntry entry = new TarArchiveEntry(target.name());
                    entry.setSize(size);
                    entry.setMode(0100644);
                    entry.setUserId(target.uid());
                    entry.setGroupId(target.gid());
                    entry.setModTime(clock.millis());
                    out.putArchiveEntry(entry);
                    long copied = content.transferTo(new BoundedOutput(out, size));
                    if (copied != size) {
                        throw new IOException("content has " + copied + " bytes, " + size + " were announced");
                    }
                    out.closeArchiveEntry();
                    out.finish();
                } catch (Exception e) {
                    writeFailure.set(e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            engine.call(id, () -> engine.control().copyArchiveToContainerCmd(SandboxLabels.containerName(id))
                    .withRemotePath(target.directory())
                    .withTarInputStream(tar)
                    .exec());
        } finally {
            DockerEngine.closeQuietly(tar);
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (writeFailure.get() != null) {
            throw new IllegalArgumentException("could not send the file: " + writeFailure.get().getMessage(),
                    writeFailure.get());
        }
    }

    SandboxFile open(SandboxId id, WorkspacePath path) {
        Resolved source = resolve(id, path, false);
        InputStream raw;
        try {
            raw = engine.call(id, () -> engine.streams()
                    .copyArchiveFromContainerCmd(SandboxLabels.containerName(id), source.path()).exec());
        } catch (SandboxNotFoundException e) {
            throw new SandboxFileNotFoundException(id, path, "no such file");
        }
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(raw);
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.isFile()) {
                tar.close();
                throw new SandboxFileNotFoundException(id, path, "not a regular file");
            }
            if (entry.getSize() > config.maxFileSize().toBytes()) {
                tar.close();
                throw new SandboxFileTooLargeException(path, entry.getSize(), config.maxFileSize().toBytes());
            }
            return new SandboxFile(path, entry.getSize(), new FilterInputStream(tar) {
            });
        } catch (IOException e) {
            DockerEngine.closeQuietly(raw);
            throw new SandboxEngineUnavailableException(engine.endpoint(), e);
        }
    }

    /** A workspace path resolved inside the container: physical path and the owner to give new files. */
    private record Resolved(String path, int uid, int gid) {
        String directory() {
            return path.substring(0, path.lastIndexOf('/'));
        }

        String name() {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    private Resolved resolve(SandboxId id, WorkspacePath path, boolean write) {
        String line = scripts.run(id, SandboxScripts.RESOLVE_PATH, "oc-path", write ? "write" : "read", path.relative())
                .strip();
        if (line.startsWith("OK ")) {
            String[] parts = line.split(" ", 4);
            if (parts.length == 4 && parts[3].startsWith(WorkspacePath.ROOT + "/")) {
                return new Resolved(parts[3], parseId(parts[1]), parseId(parts[2]));
            }
        }
        String reason = line.startsWith("ERR ") ? line.substring(4) : "unexpected answer";
        throw switch (reason) {
            case "missing" -> new SandboxFileNotFoundException(id, path, "no such file");
            case "isdir" -> write ? new WorkspacePathRejectedException(path.absolute(), "is a directory")
                    : new SandboxFileNotFoundException(id, path, "is a directory");
            case "escape" -> new WorkspacePathRejectedException(path.absolute(),
                    "leads out of the workspace through a symbolic link");
            case "notdir" -> new WorkspacePathRejectedException(path.absolute(), "a parent is not a directory");
            case "denied" -> new WorkspacePathRejectedException(path.absolute(), "permission denied");
            default -> new SandboxEngineException("could not resolve " + path + " in sandbox " + id + ": "
                    + (line.length() > 200 ? line.substring(0, 200) : line), null);
        };
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Writes at most {@code limit} bytes to the tar entry; more content is an error. */
    private static final class BoundedOutput extends OutputStream {
        private final OutputStream out;
        private long remaining;

        BoundedOutput(OutputStream out, long limit) {
            this.out = out;
            this.remaining = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > remaining) {
                throw new IOException("content is longer than the announced size");
            }
            out.write(b, off, len);
            remaining -= len;
        }
    }
}
