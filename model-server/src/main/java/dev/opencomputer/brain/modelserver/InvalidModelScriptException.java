package dev.opencomputer.brain.modelserver;

/** A model script that cannot be played; the message names the offending place, e.g. {@code turns[2].error.status}. */
public class InvalidModelScriptException extends IllegalArgumentException {

    public InvalidModelScriptException(String message) {
        super(message);
    }

    public InvalidModelScriptException(String message, Throwable cause) {
        super(message, cause);
    }
}
