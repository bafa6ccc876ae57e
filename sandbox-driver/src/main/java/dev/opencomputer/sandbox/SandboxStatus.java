package dev.opencomputer.sandbox;

/** Where a sandbox's container is in its life, as the engine reports it. */
public enum SandboxStatus {
    /** Created but never started. */
    CREATED,
    /** Running: commands can be executed. */
    RUNNING,
    /** Stopped on request (or its main process ended cleanly); the workspace is kept. */
    STOPPED,
    /** Ended without being asked to: killed (exit 137, e.g. out of memory) or crashed; the workspace is kept. */
    DIED,
    /** The container is gone but its workspace volume is still there: {@link SandboxDriver#revive} brings it back. */
    ABSENT
}
