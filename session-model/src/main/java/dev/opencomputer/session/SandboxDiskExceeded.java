package dev.opencomputer.session;

/**
 * The sandbox's disk watchdog found it past its disk quota while a command ran, and killed the
 * command ({@code callId}, null when no tool call was running: a runtime's own process) with its
 * processes: {@code usedBytes} written where the engine sets no limit itself (the writable layer, and
 * the workspace when it has no quota of its own), against {@code limitBytes}. Wire name {@value #TYPE}.
 */
public record SandboxDiskExceeded(String callId, long usedBytes, long limitBytes) implements SessionEvent {

    public static final String TYPE = "sandbox.disk_exceeded";

    @Override
    public String type() {
        return TYPE;
    }
}
