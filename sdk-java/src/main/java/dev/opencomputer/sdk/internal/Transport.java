package dev.opencomputer.sdk.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.opencomputer.sdk.ApiException;
import dev.opencomputer.sdk.ConnectionException;
import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.OpenComputerException;
import dev.opencomputer.sdk.Page;
import dev.opencomputer.sdk.Problem;
import dev.opencomputer.sdk.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one logical API call, retrying it as {@link RetryPolicy} allows, and turns error answers
 * into the SDK's exceptions. Thread-safe: one instance serves every thread of a client.
 *
 * <p>What is retried: answers 408, 429 and 5xx, a 409 {@code idempotency-key-in-use} (the first
 * attempt is still running on the server), and connection failures. The server promises that a
 * failed request changed nothing, so a retry after an error <em>answer</em> is always safe. After a
 * connection failure the request may or may not have been applied, so it is retried only when
 * repeating it cannot apply it twice: GET, PUT and DELETE, and POST because every POST carries an
 * {@code Idempotency-Key} that is generated once per logical call and reused by all its retries.
 * PATCH (each one creates a new version) is retried after a failure only when the request surely
 * never reached the server (connection refused or connect timeout) or the server answered it.
 */
public final class Transport implements AutoCloseable {

    /** How the transport waits between attempts; tests substitute one that records instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public static final String VERSION = "0.1.0";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String REQUEST_ID = "X-Request-Id";
    private static final int MAX_ERROR_BODY = 1 << 20;
    private static final System.Logger LOG = System.getLogger("dev.opencomputer.sdk");

    private final String baseUrl;
    private final Supplier<String> credential;
    private final HttpClient http;
    private final boolean ownsHttpClient;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final JsonMapper json;
    private volatile boolean closed;

    /**
     * @param baseUrl        where the API lives, e.g. {@code http://localhost:8080}
     * @param ownsHttpClient whether {@link #close()} closes {@code http}
     * @param timeout        the default timeout of one attempt, until the response headers arrive
     */
    public Transport(URI baseUrl, String apiKey, HttpClient http, boolean ownsHttpClient, Duration timeout,
            RetryPolicy retry, Clock clock, Sleeper sleeper) {
        this(baseUrl, constant(Objects.requireNonNull(apiKey, "apiKey")), http, ownsHttpClient, timeout, retry, clock,
                sleeper);
    }

    /**
     * @param credential asked before every attempt for the bearer credential (an API key or a client
     *                   token), so that a caller can swap in a fresh client token
     */
    public Transport(URI baseUrl, Supplier<String> credential, HttpClient http, boolean ownsHttpClient,
            Duration timeout, RetryPolicy retry, Clock clock, Sleeper sleeper) {
        String base = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.credential = Objects.requireNonNull(credential, "credential");
        this.http = Objects.requireNonNull(http, "http");
        this.ownsHttpClient = ownsHttpClient;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.json = mapper();
    }

    private static Supplier<String> constant(String value) {
        return () -> value;
    }

    /** The JSON mapper of the SDK: unknown properties are ignored, nulls are not written. */
    public static JsonMapper mapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
    }

    public JsonMapper json() {
        return json;
    }

    public URI baseUrl() {
        return URI.create(baseUrl);
    }

    public Clock clock() {
        return clock;
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    // --- calls used by the resources ----------------------------------------------------------

    public <T> T get(String path, Class<T> type) {
        return decode(execute(new Call("GET", path, null, null, RequestOptions.DEFAULT)),
                json.constructType(type));
    }

    public <T> List<T> getList(String path, Class<T> item) {
        return decode(execute(new Call("GET", path, null, null, RequestOptions.DEFAULT)),
                json.getTypeFactory().constructCollectionType(List.class, item));
    }

    /** One page of {@code path}, with {@code limit} and {@code cursor} taken from {@code params}. */
    public <T> Page<T> page(String path, ListParams params, Class<T> item) {
        return page(path, Map.of(), params, item);
    }

    /** One page of {@code path} with extra query parameters (null values are left out). */
    public <T> Page<T> page(String path, Map<String, ?> filters, ListParams params, Class<T> item) {
        Map<String, Object> query = new LinkedHashMap<>(filters);
        query.put("limit", params.limit());
        query.put("cursor", params.cursor());
        return decode(execute(new Call("GET", path + query(query), null, null, RequestOptions.DEFAULT)),
                json.getTypeFactory().constructParametricType(Page.class, item));
    }

    /** A POST with a JSON body (or none, when {@code body} is null); always sends an Idempotency-Key. */
    public <T> T post(String path, Object body, Class<T> type, RequestOptions options) {
        return decode(execute(new Call("POST", path, body == null ? null : json.writeValueAsBytes(body),
                "application/json", options)), json.constructType(type));
    }

    /** A PUT with a JSON body; replaces a resource, so repeating it is harmless. */
    public <T> T put(String path, Object body, Class<T> type) {
        return decode(execute(new Call("PUT", path, json.writeValueAsBytes(body), "application/json",
                RequestOptions.DEFAULT)), json.constructType(type));
    }

    public <T> T patch(String path, Object body, String contentType, Class<T> type) {
        return decode(execute(new Call("PATCH", path, json.writeValueAsBytes(body), contentType,
                RequestOptions.DEFAULT)), json.constructType(type));
    }

    /** A PUT of raw bytes (e.g. a file); answers nothing. Repeating it is harmless. */
    public void putBytes(String path, byte[] body, String contentType) {
        execute(new Call("PUT", path, Objects.requireNonNull(body, "body"), contentType, RequestOptions.DEFAULT));
    }

    /** A GET whose answer is raw bytes (read whole). */
    public byte[] getBytes(String path) {
        return execute(new Call("GET", path, null, null, RequestOptions.DEFAULT,
                "application/octet-stream, application/problem+json")).body();
    }

    public void delete(String path) {
        execute(new Call("DELETE", path, null, null, RequestOptions.DEFAULT));
    }

    public <T> T delete(String path, Class<T> type) {
        return decode(execute(new Call("DELETE", path, null, null, RequestOptions.DEFAULT)),
                json.constructType(type));
    }

    /**
     * Opens a streaming GET (one attempt, no retries: the caller decides how to reconnect) and
     * returns the open body of a 2xx {@code text/event-stream} answer, which the caller must close,
     * or null for 204 No Content (the server's way to say "do not reconnect"). An error answer
     * throws its {@link ApiException}; no answer throws {@link ConnectionException}.
     */
    public InputStream openStream(String path, Map<String, String> headers) {
        return openStream("GET", path, null, headers);
    }

    /**
     * Like {@link #openStream(String, Map)} for a request with a JSON body (e.g. a POST whose answer
     * is an event stream). Sent once: no retry, no idempotency key.
     */
    public InputStream openStream(String method, String path, Object body, Map<String, String> headers) {
        Call call = new Call(method, path, body == null ? null : json.writeValueAsBytes(body),
                body == null ? null : "application/json", new RequestOptions(null, null, 0));
        HttpRequest.Builder request = request(call, null, call.body())
                .setHeader("Accept", "text/event-stream")
                .setHeader("Cache-Control", "no-cache");
        headers.forEach(request::setHeader);
        Answer answer = attempt(call, request.build(), true);
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (answer.status() == 204 || !type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
            try {
                answer.stream().close();
            } catch (IOException e) {
                // nothing was read from it; closing only releases the connection
            }
            if (answer.status() == 204) {
                return null;
            }
            throw new OpenComputerException(describe(call) + " answered " + answer.status() + " with Content-Type '"
                    + type + "' instead of an event stream");
        }
        return answer.stream();
    }

    /** {@code ?a=1&b=x} for the non-null values, or the empty string. */
    public static String query(Map<String, ?> params) {
        var parts = new ArrayList<String>();
        params.forEach((name, value) -> {
            if (value != null) {
                parts.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            }
        });
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    /** One path segment, percent-encoded. */
    public static String segment(String value) {
        if (Objects.requireNonNull(value, "id").isEmpty()) {
            throw new IllegalArgumentException("an id must not be empty");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // --- the retry loop -----------------------------------------------------------------------

    private record Call(String method, String path, byte[] body, String contentType, RequestOptions options,
            String accept) {

        Call(String method, String path, byte[] body, String contentType, RequestOptions options) {
            this(method, path, body, contentType, options, "application/json");
        }

        /** Whether sending it twice has the effect of sending it once. */
        boolean replaySafe() {
            return !method.equals("PATCH");
        }
    }

    /** An answer: the body read whole, or (for a stream) still open. */
    private record Answer(int status, HttpHeaders headers, byte[] body, InputStream stream) {
    }

    private Answer execute(Call call) {
        String key = !call.method().equals("POST") ? null
                : call.options().idempotencyKey() != null ? call.options().idempotencyKey()
                : UUID.randomUUID().toString();
        return attempt(call, request(call, key, call.body()).build(), false);
    }

    private Answer attempt(Call call, HttpRequest request, boolean streaming) {
        if (closed) {
            throw new IllegalStateException("the OpenComputer client is closed");
        }
        RetryPolicy policy = call.options().maxRetries() == null ? retry
                : retry.withMaxRetries(call.options().maxRetries());
        for (int attempt = 0; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    if (streaming) {
                        return new Answer(status, response.headers(), null, response.body());
                    }
                    try (InputStream body = response.body()) {
                        return new Answer(status, response.headers(), body.readAllBytes(), null);
                    }
                }
                byte[] body = readBounded(response.body());
                Duration retryAfter = response.headers().firstValue("Retry-After")
                        .flatMap(v -> RetryPolicy.parseRetryAfter(v, clock)).orElse(null);
                ApiException error = ApiException.of(problem(status, body),
                        response.headers().firstValue(REQUEST_ID).orElse(null), retryAfter);
                if (attempt >= policy.maxRetries() || !retryable(call, error)) {
                    throw error;
                }
                if (retryAfter != null && retryAfter.compareTo(policy.maxRetryAfter()) > 0) {
                    throw error;
                }
                wait = retryAfter != null ? retryAfter : policy.backoff(attempt);
                LOG.log(System.Logger.Level.DEBUG, "{0} answered {1} ({2}); retry {3} of {4} in {5} ms",
                        describe(call), status, error.problem().slug(), attempt + 1, policy.maxRetries(),
                        wait.toMillis());
            } catch (IOException e) {
                // Refused or timed-out connects never reached the server; anything later might have.
                boolean neverSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
                if (attempt >= policy.maxRetries() || !(neverSent || call.replaySafe())) {
                    throw new ConnectionException(describe(call) + " failed after " + (attempt + 1)
                            + " attempt(s): " + e, e);
                }
                wait = policy.backoff(attempt);
                LOG.log(System.Logger.Level.DEBUG, "{0} failed ({1}); retry {2} of {3} in {4} ms",
                        describe(call), e, attempt + 1, policy.maxRetries(), wait.toMillis());
            } catch (InterruptedException e) {
                throw interrupted(call, e);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                throw interrupted(call, e);
            }
        }
    }

    private static boolean retryable(Call call, ApiException error) {
        int status = error.status();
        if (!call.replaySafe() && (status == 502 || status == 504)) {
            return false; // a gateway may have passed the request on before it failed
        }
        return status == 408 || status == 429 || status >= 500
                || status == 409 && error.problem().is("idempotency-key-in-use");
    }

    private HttpRequest.Builder request(Call call, String idempotencyKey, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
                .timeout(call.options().timeout() != null ? call.options().timeout() : timeout)
                .header("Authorization", "Bearer " + credential.get())
                .header("Accept", call.accept())
                .header("User-Agent", "opencomputer-java/" + VERSION + " java/" + Runtime.version().feature());
        if (idempotencyKey != null) {
            builder.header(IDEMPOTENCY_KEY, idempotencyKey);
        }
        if (body != null) {
            builder.header("Content-Type", call.contentType()).method(call.method(),
                    HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            builder.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        return builder;
    }

    private <T> T decode(Answer answer, JavaType type) {
        if (type.getRawClass() == Void.class || answer.body().length == 0) {
            return null;
        }
        try {
            return json.readValue(answer.body(), type);
        } catch (JacksonException e) {
            throw new OpenComputerException("could not decode the answer (" + answer.status() + ") as "
                    + type.getTypeName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The problem in an error answer, or one made up from the status when the body is not a problem. */
    Problem problem(int status, byte[] body) {
        JsonNode node = null;
        if (body.length > 0) {
            try {
                node = json.readTree(body);
            } catch (JacksonException e) {
                node = null;
            }
        }
        if (node == null || !node.isObject()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return new Problem("about:blank", "HTTP " + status, status,
                    text.isEmpty() ? null : text.substring(0, Math.min(text.length(), 500)), null, null, null);
        }
        return problemOf(json, node, status);
    }

    /** Reads a problem document (also used for an SSE {@code event: error}). */
    public static Problem problemOf(JsonMapper json, JsonNode node, int fallbackStatus) {
        List<Problem.FieldError> errors = new ArrayList<>();
        JsonNode list = node.path("errors");
        if (list.isArray()) {
            for (JsonNode e : list.values()) {
                errors.add(new Problem.FieldError(text(e.get("field")), text(e.get("message"))));
            }
        }
        Map<String, Object> extensions = new LinkedHashMap<>();
        for (String name : node.propertyNames()) {
            if (!List.of("type", "title", "status", "detail", "instance", "errors").contains(name)) {
                extensions.put(name, json.convertValue(node.get(name), Object.class));
            }
        }
        JsonNode status = node.get("status");
        return new Problem(text(node.get("type")), text(node.get("title")),
                status != null && status.isIntegralNumber() ? status.asInt() : fallbackStatus,
                text(node.get("detail")), text(node.get("instance")), errors, extensions);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asString();
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        try (in) {
            return in.readNBytes(MAX_ERROR_BODY);
        }
    }

    private static String describe(Call call) {
        int q = call.path().indexOf('?');
        return call.method() + " " + (q < 0 ? call.path() : call.path().substring(0, q));
    }

    private static OpenComputerException interrupted(Call call, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new OpenComputerException(describe(call) + " was interrupted", e);
    }

    /**
     * Refuses new calls and, when the transport created the HTTP client, shuts it down without
     * waiting: calls and streams already running finish on their own.
     */
    @Override
    public void close() {
        closed = true;
        if (ownsHttpClient) {
            http.shutdown();
        }
    }
}
