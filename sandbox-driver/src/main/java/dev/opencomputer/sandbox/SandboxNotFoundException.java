package dev.opencomputer.sandbox;

import dev.opencomputer.session.SandboxId;

/** Neither the sandbox's container nor its workspace exists on the engine. */
public class SandboxNotFoundException extends SandboxException {

    private final SandboxId sandboxId;

    public SandboxNotFoundException(SandboxId sandboxId) {
        super("sandbox " + sandboxId + " does not exist");
        this.sandboxId = sandboxId;
    }

    public SandboxId sandboxId() {
        return sandboxId;
    }
}
