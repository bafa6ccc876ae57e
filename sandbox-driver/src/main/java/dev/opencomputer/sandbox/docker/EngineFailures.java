package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.session.SandboxId;
import java.io.IOException;

/**
 * Turns docker-java's failures into the SPI's exceptions, or into this package's typed refusals
 * ({@link EngineConflictException}, {@link EngineNotModifiedException}, {@link EngineObjectMissingException})
 * that the driver's parts catch by type. The engine's HTTP status never leaves this package.
 */
final class EngineFailures {

    private final String endpoint;

    EngineFailures(String endpoint) {
        this.endpoint = endpoint;
    }

    RuntimeException translate(SandboxId id, Throwable e) {
        if (e instanceof SandboxException s) {
            return s;
        }
        if (id != null && (e instanceof NotFoundException || (e instanceof DockerException d
                && d.getHttpStatus() == 500 && String.valueOf(d.getMessage()).contains("no such container")))) {
            // Podman answers 500 "no such container" for a container being removed at that moment.
            return new SandboxNotFoundException(id);
        }
        if (e instanceof NotModifiedException n) {
            return new EngineNotModifiedException(n);
        }
        if (e instanceof DockerException d) {
            String message = "the container engine refused: " + engineMessage(d);
            if (d instanceof ConflictException || d.getHttpStatus() == 409) {
                return new EngineConflictException(message, d);
            }
            if (d.getHttpStatus() == 404) {
                return new EngineObjectMissingException(message, d);
            }
            return new SandboxEngineException(message, d);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return new SandboxEngineUnavailableException(endpoint, e);
            }
        }
        return e instanceof RuntimeException r ? r : new SandboxEngineException(e.toString(), e);
    }

    private static String engineMessage(DockerException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    /** The engine answered 409: the object exists already, or is busy or in the wrong state. */
    static final class EngineConflictException extends SandboxEngineException {
        EngineConflictException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The engine answered 304: the object is already in the state asked for. */
    static final class EngineNotModifiedException extends SandboxEngineException {
        EngineNotModifiedException(Throwable cause) {
            super("not modified", cause);
        }
    }

    /** The engine answered 404 for an object that is not a sandbox's container (an exec, say). */
    static final class EngineObjectMissingException extends SandboxEngineException {
        EngineObjectMissingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
