package dev.opencomputer.server.http;

/** An Idempotency-Key sent again with a different request than the one it first came with. */
public class IdempotencyKeyReusedException extends RuntimeException {

    public IdempotencyKeyReusedException(String key) {
        super("Idempotency-Key '" + key + "' was already used for a different request");
    }
}
