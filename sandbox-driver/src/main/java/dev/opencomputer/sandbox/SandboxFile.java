package dev.opencomputer.sandbox;

import java.io.IOException;
import java.io.InputStream;

/**
 * A file being read from a sandbox; close it to release the engine connection.
 *
 * @param path    the path asked for
 * @param size    its size in bytes
 * @param content exactly {@code size} bytes
 */
public record SandboxFile(WorkspacePath path, long size, InputStream content) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        content.close();
    }
}
