package dev.opencomputer.sandbox;

import dev.opencomputer.session.SandboxId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Runs sandboxes: isolated boxes with a persistent workspace volume at {@code /workspace}, driven by
 * commands and file transfers. A sandbox is named by its {@link SandboxId} alone, so a restarted server
 * finds its sandboxes again through {@link #list()}.
 *
 * <p>Every sandbox runs with an init process, no privileges, every capability dropped, no network
 * interface but loopback, CPU/memory/pids limits, and never the engine's socket. The
 * driver puts nothing of its own into a sandbox: no server configuration, environment or credentials.
 *
 * <p>All methods are thread-safe. Every method may throw {@link SandboxEngineUnavailableException}
 * when the engine cannot be reached; methods taking an id throw {@link SandboxNotFoundException} when
 * the sandbox does not exist.
 */
public interface SandboxDriver extends AutoCloseable {

    /**
     * Creates the sandbox and starts it. The workspace volume is created, or reused when one with this
     * id already exists for the same tenant (so a sandbox whose container vanished comes back with its
     * files).
     *
     * @throws SandboxAlreadyExistsException  a container with this id exists, or the workspace is another tenant's
     * @throws SandboxImageNotFoundException  the image is not on the engine
     * @throws SandboxSpecRejectedException   limits beyond the configured maxima, or egress not allowed
     */
    SandboxState create(SandboxSpec spec);

    /** Starts a stopped or died sandbox on its workspace; a running one is left alone. */
    void start(SandboxId id);

    /** Stops the sandbox (SIGTERM, SIGKILL after the grace period), keeping its workspace; a stopped one is left alone. */
    void stop(SandboxId id);

    /** Removes the container and its workspace volume; removing what does not exist is not an error. */
    void remove(SandboxId id);

    /** The sandbox's current state; a workspace without container reports {@link SandboxStatus#ABSENT}. */
    SandboxState inspect(SandboxId id);

    /** Every sandbox of this installation (its configured instance), containers and container-less workspaces alike. */
    List<SandboxState> list();

    /**
     * Brings a sandbox back on its workspace whatever happened to it: a running one is returned as is, a
     * stopped or died one is started, a missing container is created again from {@code spec}.
     */
    default SandboxState revive(SandboxSpec spec) {
        SandboxState state;
        try {
            state = inspect(spec.id());
        } catch (SandboxNotFoundException e) {
            return create(spec);
        }
        return switch (state.status()) {
            case RUNNING -> state;
            case CREATED, STOPPED, DIED -> {
                start(spec.id());
                yield inspect(spec.id());
            }
            case ABSENT -> create(spec);
        };
    }

    /**
     * Starts a command. Output is delivered to {@code listener} as it comes; the timeout (the request's,
     * else the configured default) is enforced by the driver.
     *
     * @throws SandboxNotRunningException  the sandbox is not running
     * @throws SandboxSpecRejectedException the timeout is beyond the configured maximum
     */
    Execution exec(SandboxId id, ExecRequest request, OutputListener listener);

    /**
     * Starts a long-lived command with its standard input attached. It runs until it exits or is
     * killed ({@link Execution#kill()}); the request's timeout applies only when it names one, and
     * the sandbox's stop ends it too.
     *
     * @throws SandboxNotRunningException  the sandbox is not running
     * @throws UnsupportedOperationException the driver cannot attach to a command's input
     */
    default AttachedExecution attach(SandboxId id, ExecRequest request, OutputListener listener) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot attach to a command's input");
    }

    /**
     * Starts a command with its standard input attached to {@code stdin} (read until it ends or the
     * command does): for a long-lived process spoken to over its stdio, such as an agent speaking the
     * Agent Client Protocol. Output goes to {@code listener} as for {@link #exec(SandboxId, ExecRequest,
     * OutputListener)}; the timeout applies the same way.
     */
    default Execution exec(SandboxId id, ExecRequest request, InputStream stdin, OutputListener listener) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot attach a command's stdin");
    }

    /** Whether {@code image} is on the engine (so sandboxes of it can be created). */
    default boolean hasImage(String image) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot look images up");
    }

    /** Runs a command to its end, keeping only the tails of its output. */
    default ExecResult run(SandboxId id, ExecRequest request) {
        return exec(id, request, OutputListener.NONE).await();
    }

    /**
     * Writes a regular file of exactly {@code size} bytes, creating missing parent directories; an
     * existing file is replaced. The sandbox must be running.
     *
     * @throws WorkspacePathRejectedException the path leads out of the workspace through a symbolic link, or
     *                                        a parent is not a directory
     * @throws SandboxFileTooLargeException   {@code size} is beyond the configured maximum
     */
    void writeFile(SandboxId id, WorkspacePath path, InputStream content, long size);

    /** Writes a regular file with the given content. */
    default void writeFile(SandboxId id, WorkspacePath path, byte[] content) {
        writeFile(id, path, new java.io.ByteArrayInputStream(content), content.length);
    }

    /**
     * Opens a regular file for reading; close it when done. The sandbox must be running.
     *
     * @throws SandboxFileNotFoundException   no such file, or it is a directory
     * @throws WorkspacePathRejectedException the path leads out of the workspace through a symbolic link
     * @throws SandboxFileTooLargeException   the file is beyond the configured maximum
     */
    SandboxFile openFile(SandboxId id, WorkspacePath path);

    /** Reads a whole regular file. */
    default byte[] readFile(SandboxId id, WorkspacePath path) {
        try (SandboxFile file = openFile(id, path)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(file.size(), 1 << 20));
            file.content().transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks that the engine answers. */
    void ping();

    /** Releases connections and threads; running sandboxes are left as they are. */
    @Override
    void close();
}
