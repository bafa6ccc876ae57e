package dev.opencomputer.sdk;

/** 404: the resource does not exist <em>or belongs to another tenant</em>; the two cannot be told apart, by design. */
public class NotFoundException extends ApiException {

    public NotFoundException(Problem problem, String requestId) {
        super(problem, requestId);
    }
}
