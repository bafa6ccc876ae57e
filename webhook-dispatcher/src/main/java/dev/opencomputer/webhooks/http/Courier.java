package dev.opencomputer.webhooks.http;

import dev.opencomputer.webhooks.DeliveryAttempt;
import dev.opencomputer.webhooks.Signatures;
import dev.opencomputer.webhooks.UrlGuard;
import dev.opencomputer.webhooks.UrlRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts one signed message and reports the attempt. Redirects are never followed, nothing is
 * retried here, no proxy is used, and connections go only to the addresses the {@link UrlGuard}
 * approved in the same lookup (a DNS answer that changes after the check cannot redirect the
 * connection). The first KiB of the answer is kept. Thread-safe; meant for virtual threads.
 */
public final class Courier implements AutoCloseable {

    /** How much of a response is kept in the attempt. */
    public static final int RESPONSE_KEPT = 1024;
    /** How much of a response is read (then dropped) to keep the connection; beyond it the connection closes. */
    private static final int RESPONSE_DRAINED = 64 * 1024;

    private final UrlGuard guard;
    private final Duration timeout;
    private final Clock clock;
    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;
    private final java.util.concurrent.ScheduledThreadPoolExecutor deadlines =
            new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("oc-webhook-deadlines").factory());

    public Courier(UrlGuard guard, Duration timeout, int maxConnections, int maxPerEndpoint, Clock clock) {
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
        deadlines.setRemoveOnCancelPolicy(true); // most deadlines are cancelled long before they are due
        Timeout limit = Timeout.of(timeout);
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new GuardedResolver(guard))
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxPerEndpoint)
                // no pool-wide lock per lease and release: the dispatcher bounds deliveries per endpoint itself
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(limit).setSocketTimeout(limit)
                        .setTimeToLive(Timeout.ofMinutes(5)).build())
                .build();
        this.client = HttpClients.custom().setConnectionManager(connections)
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableAuthCaching().disableContentCompression()
                .setUserAgent("OpenComputer-Webhooks/1")
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(limit)
                        .setConnectionRequestTimeout(limit).build())
                .build();
    }

    /** What one attempt came to, and the {@code Retry-After} of a 429 or 503, if any. */
    public record Outcome(DeliveryAttempt attempt, Duration retryAfter) {
    }

    /**
     * Posts {@code body} to {@code url} as message {@code messageId}, signed with each of
     * {@code keys} and a timestamp of now. Never throws for anything the receiver or the network does.
     */
    public Outcome post(URI url, String messageId, byte[] body, List<byte[]> keys, int attempt) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        try {
            guard.resolve(url.getHost());
        } catch (UrlRejectedException e) {
            return failure(attempt, started, startNanos, null, null, "refused by the SSRF guard: " + e.getMessage());
        }
        long timestamp = started.getEpochSecond();
        HttpPost post = new HttpPost(url);
        post.setHeader("webhook-id", messageId);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", Signatures.header(messageId, timestamp, body, keys));
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return client.execute(post, response -> read(response, attempt, started, startNanos));
        } catch (IOException | RuntimeException e) {
            return failure(attempt, started, startNanos, null, null, describe(e, post.isCancelled()));
        } finally {
            deadline.cancel(false);
        }
    }

    private Outcome read(ClassicHttpResponse response, int attempt, Instant started, long startNanos)
            throws IOException {
        int status = response.getCode();
        String kept = null;
        if (response.getEntity() != null) {
            try (InputStream in = response.getEntity().getContent()) {
                byte[] head = in.readNBytes(RESPONSE_KEPT);
                kept = head.length == 0 ? null : new String(head, StandardCharsets.UTF_8);
                if (head.length == RESPONSE_KEPT && in.skip(RESPONSE_DRAINED) >= RESPONSE_DRAINED) {
                    response.close(); // a big answer: not worth draining, drop the connection
                }
            }
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        String error = null;
        if (status >= 300 && status < 400) {
            error = "redirects are not followed (" + status + ")";
        } else if (status < 200 || status >= 300) {
            error = "answered " + status;
        }
        Duration retryAfter = status == 429 || status == 503 ? retryAfter(response.getFirstHeader("Retry-After")) : null;
        return new Outcome(new DeliveryAttempt(attempt, started, millis, status, kept, error), retryAfter);
    }

    private Outcome failure(int attempt, Instant started, long startNanos, Integer status, String body, String error) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        return new Outcome(new DeliveryAttempt(attempt, started, millis, status, body, error), null);
    }

    private String describe(Exception e, boolean cancelled) {
        if (cancelled) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RefusedHostException refused) {
                return "refused by the SSRF guard: " + refused.getMessage();
            }
        }
        if (e instanceof java.net.SocketTimeoutException || e instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException
                || e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        return e.getClass().getSimpleName() + message;
    }

    /** Seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(Header header) {
        if (header == null || header.getValue() == null) {
            return null;
        }
        String value = header.getValue().strip();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                Duration until = Duration.between(Instant.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            client.close();
        } catch (IOException ignored) {
            // closing sockets
        }
        connections.close();
    }

    /** The resolver the connection pool connects with: the guard's approved answer or nothing. */
    private record GuardedResolver(UrlGuard guard) implements DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            try {
                return guard.resolve(host);
            } catch (UrlRejectedException e) {
                throw new RefusedHostException(e.getMessage());
            }
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    private static final class RefusedHostException extends UnknownHostException {
        RefusedHostException(String message) {
            super(message);
        }
    }
}
