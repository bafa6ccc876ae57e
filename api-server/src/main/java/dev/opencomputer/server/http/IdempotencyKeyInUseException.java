package dev.opencomputer.server.http;

/** A request with the same Idempotency-Key has not finished yet. */
public class IdempotencyKeyInUseException extends RuntimeException {

    public IdempotencyKeyInUseException(String key) {
        super("a request with Idempotency-Key '" + key + "' is still in progress; retry shortly");
    }
}
