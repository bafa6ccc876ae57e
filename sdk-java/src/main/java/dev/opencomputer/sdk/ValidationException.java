package dev.opencomputer.sdk;

/** 422 {@code validation-failed}: well-formed input that breaks the resource's rules. {@link #errors()} lists every violation at once; nothing was changed. */
public class ValidationException extends ApiException {

    public ValidationException(Problem problem, String requestId) {
        super(problem, requestId);
    }
}
