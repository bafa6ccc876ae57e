package dev.opencomputer.sandbox;

import dev.opencomputer.session.SandboxId;

/** No regular file at this workspace path (missing, or a directory). */
public class SandboxFileNotFoundException extends SandboxException {

    private final SandboxId sandboxId;
    private final WorkspacePath path;

    public SandboxFileNotFoundException(SandboxId sandboxId, WorkspacePath path, String reason) {
        super("no file " + path + " in sandbox " + sandboxId + ": " + reason);
        this.sandboxId = sandboxId;
        this.path = path;
    }

    public SandboxId sandboxId() {
        return sandboxId;
    }

    public WorkspacePath path() {
        return path;
    }
}
