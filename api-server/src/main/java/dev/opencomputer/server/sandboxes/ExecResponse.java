package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.ExecResult;
import java.util.Locale;

/**
 * How a command ended, with the tails of its output.
 *
 * @param status          {@code exited}, {@code timed_out}, {@code killed}, {@code disk_exceeded} or {@code sandbox_died}
 * @param exitCode        the exit code; 137 = killed by SIGKILL (e.g. out of memory); -1 = unknown
 * @param stdout          the last bytes of standard output (absent in the SSE {@code exit} event)
 * @param stdoutTruncated whether the beginning of standard output was dropped
 * @param stdoutBytes     how many bytes standard output carried in all
 */
public record ExecResponse(String status, int exitCode, String stdout, String stderr, Boolean stdoutTruncated,
        Boolean stderrTruncated, long stdoutBytes, long stderrBytes, long durationMs) {

    static ExecResponse of(ExecResult result) {
        return new ExecResponse(status(result), result.exitCode(), result.stdout().text(), result.stderr().text(),
                result.stdout().truncated(), result.stderr().truncated(), result.stdout().totalBytes(),
                result.stderr().totalBytes(), result.duration().toMillis());
    }

    /** The summary sent as the SSE {@code exit} event, after the output was streamed. */
    static ExecResponse summary(ExecResult result) {
        return new ExecResponse(status(result), result.exitCode(), null, null, null, null,
                result.stdout().totalBytes(), result.stderr().totalBytes(), result.duration().toMillis());
    }

    private static String status(ExecResult result) {
        return result.termination().name().toLowerCase(Locale.ROOT);
    }
}
