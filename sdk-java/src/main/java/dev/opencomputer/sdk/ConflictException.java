package dev.opencomputer.sdk;

/** 409: the request conflicts with the current state, e.g. an agent name already taken, or an {@code Idempotency-Key} whose first request is still running. */
public class ConflictException extends ApiException {

    public ConflictException(Problem problem, String requestId) {
        super(problem, requestId);
    }
}
