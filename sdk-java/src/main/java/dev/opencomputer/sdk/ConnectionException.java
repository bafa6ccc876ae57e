package dev.opencomputer.sdk;

/**
 * No HTTP answer arrived: the server could not be reached, the connection broke, or the request
 * timed out — after every retry the client was allowed. Whether a request that got this far took
 * effect is unknown; a POST can be re-sent safely with the same idempotency key
 * ({@link RequestOptions.Builder#idempotencyKey(String)}).
 */
public class ConnectionException extends OpenComputerException {

    public ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
