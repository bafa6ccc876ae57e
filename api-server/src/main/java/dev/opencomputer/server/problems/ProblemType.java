package dev.opencomputer.server.problems;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every problem type the API can answer with. The slug is part of the public contract (listed
 * in docs/problems.md): clients branch on {@link #uri()}, never on the title or detail text.
 */
public enum ProblemType {
    CREDENTIAL_MISSING("credential-missing", HttpStatus.UNAUTHORIZED, "Credential missing"),
    CREDENTIAL_INVALID("credential-invalid", HttpStatus.UNAUTHORIZED, "Credential invalid"),
    SIGNATURE_INVALID("signature-invalid", HttpStatus.UNAUTHORIZED, "Signature invalid"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Not allowed for this credential"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    MALFORMED_REQUEST_BODY("malformed-request-body", HttpStatus.BAD_REQUEST, "Malformed request body"),
    INVALID_PARAMETER("invalid-parameter", HttpStatus.BAD_REQUEST, "Invalid parameter"),
    VALIDATION_FAILED("validation-failed", HttpStatus.UNPROCESSABLE_CONTENT, "Validation failed"),
    UNKNOWN_FIELD("unknown-field", HttpStatus.UNPROCESSABLE_CONTENT, "Unknown field"),
    UNKNOWN_SECRET("unknown-secret", HttpStatus.UNPROCESSABLE_CONTENT, "Unknown secret"),
    CONFLICT("conflict", HttpStatus.CONFLICT, "Conflict"),
    IN_USE("in-use", HttpStatus.CONFLICT, "Resource in use"),
    URL_REJECTED("url-rejected", HttpStatus.UNPROCESSABLE_CONTENT, "Webhook URL rejected"),
    ENDPOINT_DISABLED("endpoint-disabled", HttpStatus.CONFLICT, "Webhook endpoint disabled"),
    SESSION_CLOSED("session-closed", HttpStatus.CONFLICT, "Session closed"),
    ALREADY_ANSWERED("already-answered", HttpStatus.CONFLICT, "Already answered"),
    BUDGET_EXHAUSTED("budget-exhausted", HttpStatus.CONFLICT, "Budget exhausted"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", HttpStatus.UNPROCESSABLE_CONTENT,
            "Idempotency key reused with a different request"),
    IDEMPOTENCY_KEY_IN_USE("idempotency-key-in-use", HttpStatus.CONFLICT,
            "A request with this idempotency key is still in progress"),
    PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "Payload too large"),
    URI_TOO_LONG("uri-too-long", HttpStatus.URI_TOO_LONG, "Request line too long"),
    HEADERS_TOO_LARGE("headers-too-large", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large"),
    MALFORMED_REQUEST("malformed-request", HttpStatus.BAD_REQUEST, "Malformed HTTP request"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    LIMIT_EXCEEDED("limit-exceeded", HttpStatus.TOO_MANY_REQUESTS, "Tenant limit reached"),
    SERVICE_UNAVAILABLE("service-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    SANDBOX_NOT_RUNNING("sandbox-not-running", HttpStatus.CONFLICT, "Sandbox not running"),
    PATH_REJECTED("path-rejected", HttpStatus.BAD_REQUEST, "Path outside the workspace"),
    CONTAINER_ENGINE_ERROR("container-engine-error", HttpStatus.BAD_GATEWAY, "Container engine error"),
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    /** Where every type URI starts; the slug follows. */
    public static final String BASE = "https://opencomputer.dev/problems/";

    private final String slug;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    public String slug() {
        return slug;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return URI.create(BASE + slug);
    }
}
