package dev.opencomputer.sdk;

/** 400: the request could not be understood, e.g. a query parameter out of range or a body that is not JSON. {@link #parameter()} names the offending parameter when the server said which. */
public class BadRequestException extends ApiException {

    public BadRequestException(Problem problem, String requestId) {
        super(problem, requestId);
    }

    /** The query parameter or header the server rejected, if it said. */
    public java.util.Optional<String> parameter() {
        return problem().extension("parameter");
    }
}
