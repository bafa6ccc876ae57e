package dev.opencomputer.server.problems;

/** A request body that is not the JSON it must be; the message never quotes the body. */
public class MalformedRequestBodyException extends RuntimeException {

    public MalformedRequestBodyException(String message) {
        super(message);
    }
}
