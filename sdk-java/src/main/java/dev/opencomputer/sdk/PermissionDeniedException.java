package dev.opencomputer.sdk;

/** 403: a valid credential of the wrong kind, e.g. a tenant API key on the operator's {@code /v1/tenants}. */
public class PermissionDeniedException extends ApiException {

    public PermissionDeniedException(Problem problem, String requestId) {
        super(problem, requestId);
    }
}
