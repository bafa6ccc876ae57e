package dev.opencomputer.sandbox;

import dev.opencomputer.session.SandboxId;

/** A container for this sandbox already exists (or its workspace belongs to another tenant). */
public class SandboxAlreadyExistsException extends SandboxException {

    private final SandboxId sandboxId;

    public SandboxAlreadyExistsException(SandboxId sandboxId) {
        super("sandbox " + sandboxId + " already exists");
        this.sandboxId = sandboxId;
    }

    public SandboxId sandboxId() {
        return sandboxId;
    }
}
