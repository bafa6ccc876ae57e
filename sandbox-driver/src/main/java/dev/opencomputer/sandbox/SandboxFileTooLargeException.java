package dev.opencomputer.sandbox;

/** A file to read or write is larger than the configured {@code max-file-size}. */
public class SandboxFileTooLargeException extends SandboxException {

    private final long size;
    private final long limit;

    public SandboxFileTooLargeException(WorkspacePath path, long size, long limit) {
        super("file " + path + " has " + size + " bytes, more than the limit of " + limit);
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
