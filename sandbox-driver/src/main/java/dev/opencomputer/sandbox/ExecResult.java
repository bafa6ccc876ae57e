package dev.opencomputer.sandbox;

import java.time.Duration;

/**
 * The outcome of a command.
 *
 * @param exitCode    the process's exit code; 137 when it was SIGKILLed; -1 when the engine could not tell
 * @param termination how it ended
 * @param stdout      the tail of standard output
 * @param stderr      the tail of standard error
 * @param duration    from start to end as seen by the driver
 * @param disk        what the disk watchdog measured, when it ended the command ({@link Termination#DISK_EXCEEDED});
 *                    else null
 */
public record ExecResult(int exitCode, Termination termination, CapturedOutput stdout, CapturedOutput stderr,
                         Duration duration, DiskUsage disk) {

    public ExecResult(int exitCode, Termination termination, CapturedOutput stdout, CapturedOutput stderr,
                      Duration duration) {
        this(exitCode, termination, stdout, stderr, duration, null);
    }

    /** Ended by itself with exit code 0. */
    public boolean succeeded() {
        return termination == Termination.EXITED && exitCode == 0;
    }

    /**
     * Ended by itself with SIGKILL while the sandbox survived: on engines that report the out-of-memory
     * killer only as exit 137 (Podman) this is how an out-of-memory command shows.
     */
    public boolean killedBySignal() {
        return termination == Termination.EXITED && exitCode == 137;
    }
}
