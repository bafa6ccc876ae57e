package dev.opencomputer.sandbox;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A command running in a sandbox. Its output goes to the {@link OutputListener} given at start; its
 * timeout is enforced by the driver whether anyone waits or not. Thread-safe.
 */
public interface Execution {

    /** This execution's id (the value of {@link ExecRequest#MARKER_VARIABLE} in its processes). */
    String id();

    /**
     * Kills the command's whole process tree (every process carrying this execution's marker, and their
     * descendants). Idempotent; returns once the kill was delivered, the result follows shortly.
     */
    void kill();

    /**
     * Completes when the command has ended and its exit code is known. Completes exceptionally only with
     * {@link SandboxEngineUnavailableException}, when the engine went away and the outcome cannot be known.
     */
    CompletableFuture<ExecResult> result();

    /** Waits for the end of the command. */
    default ExecResult await() {
        try {
            return result().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Waits at most {@code timeout}; empty if the command is still running then. */
    default Optional<ExecResult> await(Duration timeout) {
        try {
            return Optional.of(result().get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
