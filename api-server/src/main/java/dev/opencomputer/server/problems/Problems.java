package dev.opencomputer.server.problems;

import dev.opencomputer.eventlog.EventTooLargeException;
import dev.opencomputer.eventlog.SessionNotFoundException;
import dev.opencomputer.sandbox.SandboxAlreadyExistsException;
import dev.opencomputer.sandbox.SandboxEngineUnavailableException;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.sandbox.SandboxFileNotFoundException;
import dev.opencomputer.sandbox.SandboxFileTooLargeException;
import dev.opencomputer.sandbox.SandboxImageNotFoundException;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxNotRunningException;
import dev.opencomputer.sandbox.SandboxSpecRejectedException;
import dev.opencomputer.sandbox.WorkspacePathRejectedException;
import dev.opencomputer.server.auth.AuthenticationFailedException;
import dev.opencomputer.server.auth.CredentialMissingException;
import dev.opencomputer.server.auth.ForbiddenException;
import dev.opencomputer.server.http.IdempotencyKeyInUseException;
import dev.opencomputer.server.http.IdempotencyKeyReusedException;
import dev.opencomputer.server.secrets.UnknownSecretException;
import dev.opencomputer.server.budgets.BudgetExhaustedException;
import dev.opencomputer.server.sessions.SessionClosedException;
import dev.opencomputer.webhooks.EndpointDisabledException;
import dev.opencomputer.webhooks.EndpointLimitExceededException;
import dev.opencomputer.webhooks.EndpointNotFoundException;
import dev.opencomputer.webhooks.EventFilterInvalidException;
import dev.opencomputer.webhooks.MessageNotFoundException;
import dev.opencomputer.webhooks.UrlRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * Classifies any failure once into a {@link Problem}. New exception types that clients should
 * see distinctly are added here, and their type to docs/problems.md.
 */
public final class Problems {

    private Problems() {
    }

    /** The problem for {@code error}; anything unrecognised is an internal error without details. */
    public static Problem from(Throwable error) {
        return switch (error) {
            case CredentialMissingException e -> new Problem(ProblemType.CREDENTIAL_MISSING, e.getMessage(),
                    Map.of(), bearerChallenge());
            case AuthenticationFailedException e -> new Problem(ProblemType.CREDENTIAL_INVALID, e.getMessage(),
                    Map.of(), bearerChallenge());
            case SignatureInvalidException e -> Problem.of(ProblemType.SIGNATURE_INVALID, e.getMessage());
            case ForbiddenException e -> Problem.of(ProblemType.FORBIDDEN, e.getMessage());
            case ResourceNotFoundException e -> Problem.of(ProblemType.NOT_FOUND, e.getMessage());
            case ResourceConflictException e -> Problem.of(ProblemType.CONFLICT, e.getMessage());
            case ResourceInUseException e -> new Problem(ProblemType.IN_USE, e.getMessage(),
                    Map.of("usedBy", e.usedBy()), new HttpHeaders());
            case SessionClosedException e -> Problem.of(ProblemType.SESSION_CLOSED, e.getMessage());
            case dev.opencomputer.server.sessions.AlreadyAnsweredException e -> Problem.of(ProblemType.ALREADY_ANSWERED,
                    e.getMessage());
            case BudgetExhaustedException e -> new Problem(ProblemType.BUDGET_EXHAUSTED, e.getMessage(),
                    Map.of("kind", e.exhausted().kind(), "used", e.exhausted().used(), "limit", e.exhausted().limit()),
                    new HttpHeaders());
            case SessionNotFoundException e -> Problem.of(ProblemType.NOT_FOUND, "session " + e.sessionId() + " not found");
            case EventTooLargeException e -> Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
                    "the event is larger than the log accepts (" + e.limit() + " bytes)");
            case RequestInvalidException e -> new Problem(ProblemType.VALIDATION_FAILED,
                    "the request has " + e.violations().size() + " invalid field(s)",
                    Map.of("errors", e.violations()), new HttpHeaders());
            case UnknownFieldsException e -> new Problem(ProblemType.UNKNOWN_FIELD, "the request has "
                    + e.fields().size() + " unknown field(s): " + String.join(", ", e.fields()),
                    Map.of("fields", e.fields(), "errors", e.fields().stream()
                            .map(field -> new FieldViolation(field, "is not a known field")).toList()),
                    new HttpHeaders());
            case UnknownSecretException e -> new Problem(ProblemType.UNKNOWN_SECRET, e.getMessage(),
                    Map.of("secret", e.secretName(),
                            "errors", List.of(new FieldViolation("credential", "names no secret of this tenant"))),
                    new HttpHeaders());
            case MalformedRequestBodyException e -> Problem.of(ProblemType.MALFORMED_REQUEST_BODY, e.getMessage());
            case ParameterInvalidException e -> new Problem(ProblemType.INVALID_PARAMETER, e.getMessage(),
                    Map.of("parameter", e.parameter()), new HttpHeaders());
            case IdempotencyKeyReusedException e -> Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED, e.getMessage());
            case IdempotencyKeyInUseException e -> Problem.of(ProblemType.IDEMPOTENCY_KEY_IN_USE, e.getMessage());
            case LimitExceededException e -> limitExceeded(e);
            case EndpointNotFoundException e -> Problem.of(ProblemType.NOT_FOUND, e.getMessage());
            case MessageNotFoundException e -> Problem.of(ProblemType.NOT_FOUND, e.getMessage());
            case EndpointDisabledException e -> new Problem(ProblemType.ENDPOINT_DISABLED, e.getMessage(),
                    Map.of("endpointId", e.endpointId()), new HttpHeaders());
            case UrlRejectedException e -> new Problem(ProblemType.URL_REJECTED, "url " + e.getMessage(),
                    Map.of("errors", List.of(new FieldViolation("url", e.getMessage()))), new HttpHeaders());
            case EventFilterInvalidException e -> Problems.from(new RequestInvalidException("events", e.getMessage()));
            case EndpointLimitExceededException e -> new Problem(ProblemType.LIMIT_EXCEEDED, e.getMessage(),
                    Map.of("limit", "maxWebhookEndpoints", "max", e.max()), new HttpHeaders());
            case ServiceUnavailableException e -> new Problem(ProblemType.SERVICE_UNAVAILABLE, e.getMessage(),
                    Map.of("dependency", e.dependency()), retryAfter(5));
            case SandboxException e -> sandbox(e);
            case CannotGetJdbcConnectionException e -> databaseDown();
            case CannotCreateTransactionException e -> databaseDown();
            case DataAccessResourceFailureException e -> databaseDown();
            case DataBufferLimitException e -> tooLarge();
            case PayloadTooLargeException e -> tooLarge();
            case MethodNotAllowedException e -> methodNotAllowed(e);
            case UnsupportedMediaTypeStatusException e -> Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "content type " + (e.getContentType() == null ? "(none)" : e.getContentType())
                            + " is not supported here; send one of " + e.getSupportedMediaTypes());
            case NotAcceptableStatusException e -> Problem.of(ProblemType.NOT_ACCEPTABLE,
                    "cannot produce a representation matching Accept; available: " + e.getSupportedMediaTypes());
            case InvalidMediaTypeException e -> Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "media type \"" + e.getMediaType() + "\" is not valid: " + e.getMessage().replaceFirst("^.*?\": ", ""));
            case ServerWebInputException e -> input(e);
            case ResponseStatusException e -> status(e);
            default -> Problem.of(ProblemType.INTERNAL_ERROR, "an unexpected error occurred");
        };
    }

    /** A status that Spring decided without a more specific exception type (e.g. a form body's 415). */
    private static Problem status(ResponseStatusException e) {
        return switch (e.getStatusCode().value()) {
            case 400 -> Problem.of(ProblemType.MALFORMED_REQUEST, "the request could not be understood");
            case 404 -> Problem.of(ProblemType.NOT_FOUND, "no such route");
            case 406 -> Problem.of(ProblemType.NOT_ACCEPTABLE, "cannot produce a representation matching Accept");
            case 413 -> tooLarge();
            case 414 -> Problem.of(ProblemType.URI_TOO_LONG, "the request line is too long");
            case 415 -> Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "this content type is not supported here; send application/json");
            case 431 -> Problem.of(ProblemType.HEADERS_TOO_LARGE, "the request headers are too large");
            default -> Problem.of(ProblemType.INTERNAL_ERROR, "an unexpected error occurred");
        };
    }

    /** Failures of the sandbox driver; the engine's own messages are never passed on verbatim to clients. */
    private static Problem sandbox(SandboxException error) {
        return switch (error) {
            case SandboxEngineUnavailableException e -> new Problem(ProblemType.SERVICE_UNAVAILABLE,
                    "the container engine cannot be reached", Map.of("dependency", "container-engine"), retryAfter(5));
            case SandboxNotRunningException e -> new Problem(ProblemType.SANDBOX_NOT_RUNNING, "sandbox "
                    + e.sandboxId() + " is not running; POST /v1/sandboxes/" + e.sandboxId() + "/start brings it back",
                    Map.of("sandboxId", e.sandboxId().value()), new HttpHeaders());
            case WorkspacePathRejectedException e -> new Problem(ProblemType.PATH_REJECTED, e.getMessage(),
                    Map.of("parameter", "path"), new HttpHeaders());
            case SandboxFileNotFoundException e -> Problem.of(ProblemType.NOT_FOUND, "file " + e.path() + " not found");
            case SandboxFileTooLargeException e -> new Problem(ProblemType.PAYLOAD_TOO_LARGE, e.getMessage(),
                    Map.of("max", e.limit()), new HttpHeaders());
            case SandboxImageNotFoundException e -> from(new RequestInvalidException("image",
                    "image " + e.image() + " is not present on the container engine"));
            case SandboxSpecRejectedException e -> from(new RequestInvalidException(e.field(), e.getMessage()));
            case SandboxNotFoundException e -> Problem.of(ProblemType.NOT_FOUND, "sandbox " + e.sandboxId() + " not found");
            case SandboxAlreadyExistsException e -> Problem.of(ProblemType.CONFLICT, e.getMessage());
            default -> Problem.of(ProblemType.CONTAINER_ENGINE_ERROR, "the container engine failed the operation");
        };
    }

    private static Problem limitExceeded(LimitExceededException e) {
        long seconds = Math.max(1, e.retryAfter().toSeconds());
        return new Problem(ProblemType.LIMIT_EXCEEDED, e.getMessage(),
                Map.of("limit", e.limit(), "max", e.max()), retryAfter(seconds));
    }

    private static HttpHeaders bearerChallenge() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"opencomputer\"");
        return headers;
    }

    private static HttpHeaders retryAfter(long seconds) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return headers;
    }

    private static Problem databaseDown() {
        return new Problem(ProblemType.SERVICE_UNAVAILABLE, "the database cannot be reached",
                Map.of("dependency", "database"), retryAfter(5));
    }

    private static Problem tooLarge() {
        return Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "the request body exceeds the allowed size");
    }

    private static Problem methodNotAllowed(MethodNotAllowedException e) {
        HttpHeaders headers = new HttpHeaders();
        headers.setAllow(e.getSupportedMethods());
        String allowed = e.getSupportedMethods().stream().map(Object::toString).sorted()
                .collect(Collectors.joining(", "));
        return new Problem(ProblemType.METHOD_NOT_ALLOWED,
                e.getHttpMethod() + " is not allowed here; allowed: " + allowed, Map.of(), headers);
    }

    /** Request bodies that cannot be decoded, and parameters of the wrong type. */
    private static Problem input(ServerWebInputException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof DataBufferLimitException) {
                return tooLarge();
            }
            if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
                return Problems.from(new RequestInvalidException(path(databind), "has the wrong type or shape"));
            }
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException || cause instanceof DecodingException) {
                return Problem.of(ProblemType.MALFORMED_REQUEST_BODY, "the request body is not valid JSON");
            }
        }
        if (e.getMethodParameter() != null && e.getMethodParameter().getParameterName() != null) {
            return Problems.from(new ParameterInvalidException(e.getMethodParameter().getParameterName(),
                    "parameter '" + e.getMethodParameter().getParameterName() + "' is invalid"));
        }
        String reason = e.getReason() == null ? "" : e.getReason();
        if (reason.contains("body")) {
            return Problem.of(ProblemType.MALFORMED_REQUEST_BODY, "a JSON request body is required");
        }
        return Problem.of(ProblemType.INVALID_PARAMETER, "the request could not be understood");
    }

    private static String path(DatabindException e) {
        List<String> parts = new ArrayList<>();
        for (var ref : e.getPath()) {
            parts.add(ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]");
        }
        return String.join(".", parts).replace(".[", "[");
    }
}
