package dev.opencomputer.sandbox;

import dev.opencomputer.session.SandboxId;

/** The operation needs a running sandbox and this one is stopped, died or has no container. */
public class SandboxNotRunningException extends SandboxException {

    private final SandboxId sandboxId;

    public SandboxNotRunningException(SandboxId sandboxId) {
        super("sandbox " + sandboxId + " is not running");
        this.sandboxId = sandboxId;
    }

    public SandboxId sandboxId() {
        return sandboxId;
    }
}
