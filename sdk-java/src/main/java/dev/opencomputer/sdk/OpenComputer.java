package dev.opencomputer.sdk;

import dev.opencomputer.sdk.agents.Agents;
import dev.opencomputer.sdk.apikeys.ApiKeys;
import dev.opencomputer.sdk.internal.RetryPolicy;
import dev.opencomputer.sdk.internal.Transport;
import dev.opencomputer.sdk.sandboxes.Sandboxes;
import dev.opencomputer.sdk.secrets.Secrets;
import dev.opencomputer.sdk.sessions.Sessions;
import dev.opencomputer.sdk.tenants.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The OpenComputer API client. Create one per credential and keep it for the life of the
 * application: it is immutable and thread-safe, every resource it hands out is too, and all of them
 * share one connection pool.
 *
 * <pre>{@code
 * try (OpenComputer oc = OpenComputer.fromEnv()) {
 *     Agent agent = oc.agents().create(CreateAgentRequest.builder()
 *             .name("coder").model("claude-sonnet-4-5").credential("anthropic-key").build());
 *     for (Agent a : oc.agents().list()) { ... }   // every page, fetched lazily
 * }
 * }</pre>
 *
 * <p><b>Failures.</b> Every call throws only {@link OpenComputerException}s: an {@link ApiException}
 * (subclassed by status) carrying the server's RFC 9457 problem, or a {@link ConnectionException}.
 *
 * <p><b>Retries.</b> A call is retried (by default twice) on 408, 429 and 5xx answers and on
 * connection failures, waiting a capped, jittered exponential backoff — or exactly what the server
 * asked in {@code Retry-After}, up to {@link Builder#maxRetryAfter(Duration)}. Every POST carries an
 * {@code Idempotency-Key}, generated once per call and reused by all of its retries, so a retried
 * create never creates twice. PATCH, which is not idempotent, is retried only when the server
 * surely did not apply it.
 */
public final class OpenComputer implements AutoCloseable {

    /** The environment variable holding the API key (a tenant key, or the operator key). */
    public static final String API_KEY_ENV = "OPENCOMPUTER_API_KEY";
    /** The environment variable holding the base URL. */
    public static final String BASE_URL_ENV = "OPENCOMPUTER_BASE_URL";
    public static final URI DEFAULT_BASE_URL = URI.create("http://localhost:8080");

    private final Transport transport;
    private final Tenants tenants;
    private final ApiKeys apiKeys;
    private final Agents agents;
    private final Secrets secrets;
    private final Sessions sessions;
    private final Sandboxes sandboxes;
    private final dev.opencomputer.sdk.webhooks.Webhooks webhooks;
    private final dev.opencomputer.sdk.usage.Usage usage;
    private final dev.opencomputer.sdk.runtimes.Runtimes runtimes;
    private final dev.opencomputer.sdk.github.GithubTriggers githubTriggers;

    private OpenComputer(Transport transport) {
        this.transport = transport;
        this.tenants = new Tenants(transport);
        this.apiKeys = new ApiKeys(transport);
        this.agents = new Agents(transport);
        this.secrets = new Secrets(transport);
        this.webhooks = new dev.opencomputer.sdk.webhooks.Webhooks(transport);
        this.sessions = new Sessions(transport);
        this.sandboxes = new Sandboxes(transport);
        this.usage = new dev.opencomputer.sdk.usage.Usage(transport);
        this.runtimes = new dev.opencomputer.sdk.runtimes.Runtimes(transport);
        this.githubTriggers = new dev.opencomputer.sdk.github.GithubTriggers(transport);
    }

    /**
     * A client configured from {@value #API_KEY_ENV} (required) and {@value #BASE_URL_ENV}
     * (default {@code http://localhost:8080}).
     *
     * @throws IllegalStateException when {@value #API_KEY_ENV} is not set
     */
    public static OpenComputer fromEnv() {
        return builder().fromEnv().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Tenants — the operator's resource — and {@link Tenants#current()} for a tenant key. */
    public Tenants tenants() {
        return tenants;
    }

    /** The calling tenant's API keys. */
    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /** The calling tenant's agents and their versions. */
    public Agents agents() {
        return agents;
    }

    /**
     * The calling tenant's webhook endpoints, their messages, dead letters and replay; receivers
     * check deliveries with {@link dev.opencomputer.sdk.webhooks.Webhooks#verify}.
     */
    public dev.opencomputer.sdk.webhooks.Webhooks webhooks() {
        return webhooks;
    }

    /** The calling tenant's secrets (write-only values), and master key rotation for the operator. */
    public Secrets secrets() {
        return secrets;
    }

    /**
     * The calling tenant's sessions, their event logs and live streams. With a
     * {@linkplain Builder#clientToken(String) client token} only that token's session can be read,
     * streamed and sent messages.
     */
    public Sessions sessions() {
        return sessions;
    }

    /** The calling tenant's sandboxes: containers with a persistent workspace, commands and files. */
    public Sandboxes sandboxes() {
        return sandboxes;
    }

    /** The calling tenant's usage: running time, model calls, tokens and cost per session. */
    public dev.opencomputer.sdk.usage.Usage usage() {
        return usage;
    }

    /** The runtimes an agent may use: the native loop and the installed ACP agents. */
    public dev.opencomputer.sdk.runtimes.Runtimes runtimes() {
        return runtimes;
    }

    /** The calling tenant's GitHub triggers: a labelled issue starts a session that opens a pull request. */
    public dev.opencomputer.sdk.github.GithubTriggers githubTriggers() {
        return githubTriggers;
    }

    public URI baseUrl() {
        return transport.baseUrl();
    }

    /**
     * Refuses new calls (they throw {@link IllegalStateException}) and releases the connection pool
     * when the client created it; a client built with {@link Builder#httpClient(HttpClient)} leaves
     * that one open. Does not wait: calls and event streams already running finish on their own.
     */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "OpenComputer[" + baseUrl() + "]";
    }

    /**
     * Configures an {@link OpenComputer}; only the credential (an API key or a client token) is
     * required. Not thread-safe.
     */
    public static final class Builder {
        private String apiKey;
        private Supplier<String> clientToken;
        private URI baseUrl = DEFAULT_BASE_URL;
        private int maxRetries = 2;
        private Duration initialRetryDelay = Duration.ofMillis(500);
        private Duration maxRetryDelay = Duration.ofSeconds(8);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private Duration timeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = RandomGenerator.getDefault();

        private Builder() {
        }

        /** Takes the API key and base URL from the environment, where set. */
        public Builder fromEnv() {
            return fromEnv(System::getenv);
        }

        Builder fromEnv(Function<String, String> environment) {
            String key = environment.apply(API_KEY_ENV);
            if (key != null && !key.isBlank()) {
                apiKey(key.strip());
            }
            String url = environment.apply(BASE_URL_ENV);
            if (url != null && !url.isBlank()) {
                baseUrl(url.strip());
            }
            return this;
        }

        Builder fromEnv(Map<String, String> environment) {
            return fromEnv(environment::get);
        }

        /** A tenant API key ({@code oc_…}) or the operator key. Replaces a client token set before. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            this.clientToken = null;
            return this;
        }

        /**
         * Authenticates with a session's client token (from {@code oc.sessions().create(…)} or
         * {@code clientToken(id)} on a backend) instead of an API key: the client may then only
         * read that one session, page and stream its events and send it messages — what a browser
         * or another untrusted front end needs. Every other call answers
         * {@link PermissionDeniedException} (403). Once the token expires calls answer
         * {@link AuthenticationException} (401); use {@link #clientToken(Supplier)} to renew it.
         * Replaces an API key set before.
         */
        public Builder clientToken(String token) {
            Objects.requireNonNull(token, "token");
            return clientToken(() -> token);
        }

        /**
         * Like {@link #clientToken(String)}, asking {@code tokens} for the token before every request
         * and every stream reconnect, so that a renewed token is picked up without a new client.
         * {@code tokens} must be thread-safe and fast (cache the token; do not fetch per call).
         */
        public Builder clientToken(Supplier<String> tokens) {
            this.clientToken = Objects.requireNonNull(tokens, "tokens");
            this.apiKey = null;
            return this;
        }

        /** Where the API lives; a path prefix is kept. Default {@code http://localhost:8080}. */
        public Builder baseUrl(String baseUrl) {
            return baseUrl(URI.create(Objects.requireNonNull(baseUrl, "baseUrl")));
        }

        public Builder baseUrl(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
                throw new IllegalArgumentException("the base URL must be http:// or https://, got " + baseUrl);
            }
            this.baseUrl = baseUrl;
            return this;
        }

        /** Retries after the first attempt of a call (default 2); 0 turns retries off. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * The backoff: {@code initial} before the first retry, doubling up to {@code max}, of which
         * the upper half is random (defaults 500 ms and 8 s).
         */
        public Builder retryDelays(Duration initial, Duration max) {
            this.initialRetryDelay = Objects.requireNonNull(initial, "initial");
            this.maxRetryDelay = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * The longest {@code Retry-After} the client waits out (default 60 s). When the server asks
         * for longer, the call fails at once with the answer's exception, whose
         * {@code retryAfter()} says how long to wait.
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        /** How long one attempt may wait for the answer's headers (default 60 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long to wait for a connection (default 10 s); ignored with {@link #httpClient}. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /** An HTTP client to use (e.g. with a proxy or custom TLS); the SDK will not close it. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** The clock used to read HTTP-date {@code Retry-After} values. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The source of backoff jitter. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** @throws IllegalStateException when neither an API key nor a client token was given */
        public OpenComputer build() {
            if (clientToken == null && (apiKey == null || apiKey.isBlank())) {
                throw new IllegalStateException("no API key: set " + API_KEY_ENV
                        + " or call apiKey(…) (or clientToken(…) for one session)");
            }
            boolean owned = httpClient == null;
            HttpClient http = owned ? HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    // Plain http gets HTTP/1.1 directly rather than an h2c upgrade attempt on every
                    // connection; https negotiates HTTP/2 through ALPN.
                    .version("https".equals(baseUrl.getScheme()) ? HttpClient.Version.HTTP_2
                            : HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build() : httpClient;
            var retry = new RetryPolicy(maxRetries, initialRetryDelay, maxRetryDelay, maxRetryAfter, random);
            Supplier<String> credential = clientToken != null ? clientToken : constant(apiKey);
            return new OpenComputer(new Transport(baseUrl, credential, http, owned, timeout, retry, clock,
                    duration -> Thread.sleep(duration)));
        }

        private static Supplier<String> constant(String value) {
            return () -> value;
        }
    }
}
