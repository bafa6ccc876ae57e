package dev.opencomputer.sdk.sandboxes;

/**
 * How a command ended, with the tails of its output.
 *
 * @param status          {@code exited}, {@code timed_out} (its whole process tree was killed at the
 *                        timeout), {@code killed} or {@code sandbox_died} (the container died under it)
 * @param exitCode        the exit code; 137 = SIGKILL (typically the out-of-memory killer); -1 = unknown
 * @param stdout          the last bytes (64 KB by default) of standard output, as UTF-8 text
 * @param stdoutTruncated whether the beginning of standard output was dropped
 * @param stdoutBytes     how many bytes standard output carried in all
 */
public record ExecResult(String status, int exitCode, String stdout, String stderr, boolean stdoutTruncated,
        boolean stderrTruncated, long stdoutBytes, long stderrBytes, long durationMs) {

    /** Whether the command ran to its end and exited 0. */
    public boolean succeeded() {
        return "exited".equals(status) && exitCode == 0;
    }
}
