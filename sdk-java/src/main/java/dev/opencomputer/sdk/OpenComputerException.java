package dev.opencomputer.sdk;

/**
 * The root of every exception the client throws (all unchecked). An {@link ApiException} means
 * the server answered with a problem; a {@link ConnectionException} means no usable answer
 * arrived; this class itself is thrown when an answer arrived but could not be understood, or
 * when the calling thread was interrupted (its interrupt flag is then set again).
 */
public class OpenComputerException extends RuntimeException {

    public OpenComputerException(String message) {
        super(message);
    }

    public OpenComputerException(String message, Throwable cause) {
        super(message, cause);
    }
}
