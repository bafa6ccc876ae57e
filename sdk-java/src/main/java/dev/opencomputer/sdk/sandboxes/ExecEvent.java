package dev.opencomputer.sdk.sandboxes;

import dev.opencomputer.sdk.sse.GenericEvent;

/**
 * What a {@linkplain Sandboxes#execStream streamed command} reports: its output as it arrives, then
 * one {@link Exited}. An event type this SDK does not know is an {@link Other}.
 */
public sealed interface ExecEvent {

    /** A piece of standard output (UTF-8; a character is never split between two pieces). */
    record Stdout(String text) implements ExecEvent {
    }

    /** A piece of standard error. */
    record Stderr(String text) implements ExecEvent {
    }

    /**
     * The command ended; always the last event.
     *
     * @param status   {@code exited}, {@code timed_out}, {@code killed} or {@code sandbox_died}
     * @param exitCode the exit code (137 = SIGKILL)
     */
    record Exited(String status, int exitCode, long stdoutBytes, long stderrBytes, long durationMs)
            implements ExecEvent {

        public boolean succeeded() {
            return "exited".equals(status) && exitCode == 0;
        }
    }

    /** An event of a type this SDK does not know. */
    record Other(GenericEvent event) implements ExecEvent {
    }
}
