package dev.opencomputer.sdk;

import java.util.List;
import java.util.Optional;

/**
 * The server answered with an error status. The problem details it sent are in {@link #problem()};
 * quote {@link #requestId()} when reporting an issue, since it also appears in the server's log.
 * Status-specific subclasses exist so that callers can catch what they handle:
 * {@link BadRequestException} (400), {@link AuthenticationException} (401),
 * {@link PermissionDeniedException} (403), {@link NotFoundException} (404),
 * {@link ConflictException} (409), {@link ValidationException} (422 {@code validation-failed}),
 * {@link RateLimitException} (429) and {@link ServerException} (5xx). Every other status is an
 * {@code ApiException} itself.
 */
public class ApiException extends OpenComputerException {

    private final Problem problem;
    private final String requestId;

    public ApiException(Problem problem, String requestId) {
        super(message(problem, requestId));
        this.problem = problem;
        this.requestId = requestId;
    }

    private static String message(Problem problem, String requestId) {
        var text = new StringBuilder().append(problem.status()).append(' ').append(problem.slug());
        if (problem.detail() != null) {
            text.append(": ").append(problem.detail());
        } else if (problem.title() != null) {
            text.append(": ").append(problem.title());
        }
        for (Problem.FieldError error : problem.errors()) {
            text.append("; ").append(error.field()).append(' ').append(error.message());
        }
        if (requestId != null) {
            text.append(" (request ").append(requestId).append(')');
        }
        return text.toString();
    }

    /** Picks the subclass for the problem's status and type. */
    public static ApiException of(Problem problem, String requestId, java.time.Duration retryAfter) {
        return switch (problem.status()) {
            case 400 -> new BadRequestException(problem, requestId);
            case 401 -> new AuthenticationException(problem, requestId);
            case 403 -> new PermissionDeniedException(problem, requestId);
            case 404 -> new NotFoundException(problem, requestId);
            case 409 -> new ConflictException(problem, requestId);
            case 422 -> problem.is("validation-failed") ? new ValidationException(problem, requestId)
                    : new ApiException(problem, requestId);
            case 429 -> new RateLimitException(problem, requestId, retryAfter);
            default -> problem.status() >= 500 ? new ServerException(problem, requestId, retryAfter)
                    : new ApiException(problem, requestId);
        };
    }

    public Problem problem() {
        return problem;
    }

    /** The HTTP status. */
    public int status() {
        return problem.status();
    }

    /** The stable problem type URI. */
    public String type() {
        return problem.type();
    }

    /** The field errors of the problem (empty unless the request broke field rules). */
    public List<Problem.FieldError> errors() {
        return problem.errors();
    }

    /** The server's {@code X-Request-Id} for the failed attempt, when it sent one. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }
}
