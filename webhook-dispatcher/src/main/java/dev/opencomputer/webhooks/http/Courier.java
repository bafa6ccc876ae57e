package dev.opencomputer.webhooks.http;

import dev.opencomputer.webhooks.DeliveryAttempt;
import dev.opencomputer.webhooks.Signatures;
import dev.opencomputer.webhooks.UrlGuard;
import dev.opencomputer.webhooks.UrlRejectedException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts one signed message over HTTP/1.1 and reports the attempt. Redirects are never followed,
 * nothing is retried here (except a request that a pooled keep-alive connection lost before any
 * answer, once, on a new connection: a duplicate at worst, which receivers drop by
 * {@code webhook-id}), no proxy is used, and connections go only to the addresses the
 * {@link UrlGuard} approved in this attempt's lookup (a pooled connection is reused only while its
 * address is still approved; a DNS answer that changes after the check cannot redirect the
 * connection). The first KiB of the answer is kept. Thread-safe; meant for virtual threads.
 *
 * <p>A small client of its own rather than a general one: one request shape (a POST with a
 * length-delimited JSON body), blocking sockets on virtual threads, and answers read as
 * {@code Content-Length}, chunked or up to the close. Per delivery that is one write and a few
 * reads, with none of a general client's per-request chain of handlers, contexts and URI rebuilding.
 */
public final class Courier implements AutoCloseable {

    /** How much of a response is kept in the attempt. */
    public static final int RESPONSE_KEPT = 1024;
    /** How much of a response is read (then dropped) to keep the connection; beyond it the connection closes. */
    private static final int RESPONSE_DRAINED = 64 * 1024;
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final long LIFETIME_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(50);
    private static final long TICK_MILLIS = 50;
    private static final String USER_AGENT = "OpenComputer-Webhooks/1";

    private final UrlGuard guard;
    private final Duration timeout;
    private final long timeoutNanos;
    private final Clock clock;
    private final int maxIdlePerRoute;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    /** Exchanges under way, for the deadline sweep (one timer for all, not one per request). */
    private final Set<Exchange> running = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("oc-webhook-deadlines").factory());
    private final AtomicInteger ticks = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param maxConnections not a bound of its own: the dispatcher bounds how many deliveries run
     *        at once (each uses one connection); kept for the callers' symmetry
     * @param maxPerEndpoint how many idle connections are kept per host and port
     */
    public Courier(UrlGuard guard, Duration timeout, int maxConnections, int maxPerEndpoint, Clock clock) {
        this.guard = guard;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.clock = clock;
        this.maxIdlePerRoute = Math.max(1, maxPerEndpoint);
        deadlines.scheduleWithFixedDelay(this::sweep, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What one attempt came to, and the {@code Retry-After} of a 429 or 503, if any. */
    public record Outcome(DeliveryAttempt attempt, Duration retryAfter) {
    }

    /**
     * Posts {@code body} to {@code url} as message {@code messageId}, signed with each of
     * {@code keys} and a timestamp of now. Never throws for anything the receiver or the network does.
     */
    public Outcome post(String url, String messageId, byte[] body, List<Signatures.Key> keys, int attempt) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Target target;
        try {
            target = target(url);
        } catch (IllegalArgumentException e) {
            return failure(attempt, started, startNanos, "cannot post to this URL: " + e.getMessage());
        }
        InetAddress[] approved;
        try {
            approved = guard.resolve(target.host());
        } catch (UrlRejectedException e) {
            return failure(attempt, started, startNanos, "refused by the SSRF guard: " + e.getMessage());
        }
        long timestamp = started.getEpochSecond();
        byte[] request = target.request(messageId, timestamp, Signatures.sign(messageId, timestamp, body, keys), body);
        Exchange exchange = new Exchange(startNanos + timeoutNanos);
        running.add(exchange);
        try {
            Connection pooled = pooled(target, approved);
            while (true) {
                Connection connection = pooled != null ? pooled : connect(target, approved, exchange);
                try {
                    exchange.use(connection);
                    connection.out.write(request);
                    connection.out.flush();
                    Answer answer = read(connection, exchange);
                    long millis = (System.nanoTime() - startNanos) / 1_000_000;
                    if (exchange.finish() && answer.reusable()) {
                        release(target, connection);
                    } else {
                        connection.close();
                    }
                    return answer.outcome(attempt, started, millis);
                } catch (IOException | RuntimeException e) {
                    connection.close();
                    if (pooled != null && !exchange.answered && !exchange.expired) {
                        pooled = null; // a kept-alive connection the receiver had closed: once more on a new one
                        continue;
                    }
                    throw e;
                }
            }
        } catch (IOException | RuntimeException e) {
            return failure(attempt, started, startNanos, describe(e, exchange.expired));
        } finally {
            exchange.finish();
            running.remove(exchange);
        }
    }

    private Target target(String url) {
        Target target = targets.get(url);
        if (target != null) {
            return target;
        }
        target = Target.of(url);
        if (targets.size() > 10_000) {
            targets.clear(); // only a cache of parsed URLs
        }
        targets.put(url, target);
        return target;
    }

    private Connection pooled(Target target, InetAddress[] approved) {
        Route route = routes.get(target.route());
        if (route == null) {
            return null;
        }
        long now = System.nanoTime();
        Connection connection;
        while ((connection = route.idle.pollFirst()) != null) {
            route.count.decrementAndGet();
            if (now - connection.born < LIFETIME_NANOS && now - connection.idleSince < IDLE_NANOS
                    && approved(approved, connection.address) && !connection.socket.isClosed()) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private static boolean approved(InetAddress[] approved, InetAddress address) {
        for (InetAddress a : approved) {
            if (a.equals(address)) {
                return true;
            }
        }
        return false;
    }

    private void release(Target target, Connection connection) {
        Route route = routes.computeIfAbsent(target.route(), r -> new Route());
        if (closed || route.count.incrementAndGet() > maxIdlePerRoute) {
            route.count.decrementAndGet();
            connection.close();
            return;
        }
        connection.idleSince = System.nanoTime();
        route.idle.offerFirst(connection);
        if (closed && route.idle.remove(connection)) { // close() ran meanwhile
            route.count.decrementAndGet();
            connection.close();
        }
    }

    /** Connects to the first approved address that answers, within what is left of the attempt's time. */
    private Connection connect(Target target, InetAddress[] approved, Exchange exchange) throws IOException {
        IOException last = null;
        for (InetAddress address : approved) {
            long left = exchange.deadline - System.nanoTime();
            if (left <= 0 || exchange.expired) {
                throw new SocketTimeoutException("connect timed out");
            }
            Socket socket = new Socket(Proxy.NO_PROXY);
            exchange.use(socket);
            try {
                socket.connect(new InetSocketAddress(address, target.port()),
                        (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                Socket io = socket;
                if (target.tls()) {
                    SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                            .createSocket(socket, target.hostName(), target.port(), true);
                    SSLParameters parameters = tls.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    tls.setSSLParameters(parameters);
                    exchange.use(tls);
                    tls.startHandshake();
                    io = tls;
                }
                return new Connection(io, address);
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
            }
        }
        throw last != null ? last : new UnknownHostException(target.host());
    }

    /** The answer, as far as an attempt needs it. */
    private record Answer(int status, String kept, String retryAfter, boolean reusable) {

        Outcome outcome(int attempt, Instant started, long millis) {
            String error = null;
            if (status >= 300 && status < 400) {
                error = "redirects are not followed (" + status + ")";
            } else if (status < 200 || status >= 300) {
                error = "answered " + status;
            }
            Duration after = status == 429 || status == 503 ? Courier.retryAfter(retryAfter) : null;
            return new Outcome(new DeliveryAttempt(attempt, started, millis, status, kept, error), after);
        }
    }

    private static Answer read(Connection connection, Exchange exchange) throws IOException {
        InputStream in = connection.in;
        while (true) {
            String statusLine = line(in);
            exchange.answered = true;
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new ProtocolException("not an HTTP/1.x answer");
            }
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new ProtocolException("not an HTTP/1.x status line");
            }
            boolean keepAlive = statusLine.charAt(7) == '1';
            long length = -1;
            boolean chunked = false;
            boolean encoded = false;
            String retryAfter = null;
            for (int n = 0; ; n++) {
                String header = line(in);
                if (header.isEmpty()) {
                    break;
                }
                if (n >= MAX_HEADERS) {
                    throw new ProtocolException("more than " + MAX_HEADERS + " header lines");
                }
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("a malformed header line");
                }
                String name = header.substring(0, colon).strip();
                String value = header.substring(colon + 1).strip();
                if (name.equalsIgnoreCase("content-length")) {
                    long parsed;
                    try {
                        parsed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new ProtocolException("a malformed Content-Length");
                    }
                    if (parsed < 0 || (length >= 0 && length != parsed)) {
                        throw new ProtocolException("a malformed Content-Length");
                    }
                    length = parsed;
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    encoded = true;
                    String lower = value.toLowerCase(Locale.ROOT);
                    chunked = lower.equals("chunked") || lower.endsWith(",chunked") || lower.endsWith(", chunked");
                } else if (name.equalsIgnoreCase("connection")) {
                    for (String token : value.split(",")) {
                        if (token.strip().equalsIgnoreCase("close")) {
                            keepAlive = false;
                        } else if (token.strip().equalsIgnoreCase("keep-alive") && statusLine.charAt(7) == '0') {
                            keepAlive = true;
                        }
                    }
                } else if (name.equalsIgnoreCase("retry-after") && retryAfter == null) {
                    retryAfter = value;
                }
            }
            if (status >= 100 && status < 200 && status != 101) {
                continue; // an interim answer (100 Continue, 103 Early Hints): the real one follows
            }
            InputStream body;
            boolean reusable = keepAlive && status != 101;
            if (status == 204 || status == 304 || status == 101) {
                body = InputStream.nullInputStream();
            } else if (encoded) {
                body = chunked ? new Chunked(in) : in; // another coding last: the body runs to the close
                reusable &= chunked;
            } else if (length >= 0) {
                body = new Fixed(in, length);
            } else {
                body = in;
                reusable = false;
            }
            byte[] head = body.readNBytes(RESPONSE_KEPT);
            String kept = head.length == 0 ? null : new String(head, StandardCharsets.UTF_8);
            if (head.length == RESPONSE_KEPT && reusable) {
                reusable = drain(body); // a big answer: not worth draining further, drop the connection
            }
            return new Answer(status, kept, retryAfter, reusable);
        }
    }

    /** Reads up to {@link #RESPONSE_DRAINED} more; true when the body ended within it. */
    private static boolean drain(InputStream body) throws IOException {
        byte[] scratch = new byte[8192];
        long drained = 0;
        while (drained <= RESPONSE_DRAINED) {
            int n = body.read(scratch, 0, scratch.length);
            if (n < 0) {
                return true;
            }
            drained += n;
        }
        return false;
    }

    /** One header line (CRLF or LF ended), ISO-8859-1. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(line.isEmpty() ? "the connection closed without an answer"
                        : "the connection closed within a header");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new ProtocolException("a header line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    /** A body of a known length; the connection's stream stays open. */
    private static final class Fixed extends InputStream {

        private final InputStream in;
        private long left;

        Fixed(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the answer ended before its Content-Length");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body (extensions and trailers read and dropped); the connection's stream stays open. */
    private static final class Chunked extends InputStream {

        private final InputStream in;
        private long left;
        private boolean started;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (left == 0) {
                if (started && !line(in).isEmpty()) {
                    throw new ProtocolException("a chunk longer than its size");
                }
                started = true;
                String size = line(in);
                int extension = size.indexOf(';');
                try {
                    left = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("a malformed chunk size");
                }
                if (left < 0) {
                    throw new ProtocolException("a malformed chunk size");
                }
                if (left == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the answer ended within a chunk");
            }
            left -= n;
            return n;
        }
    }

    private Outcome failure(int attempt, Instant started, long startNanos, String error) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        return new Outcome(new DeliveryAttempt(attempt, started, millis, null, null, error), null);
    }

    private String describe(Exception e, boolean expired) {
        if (expired || e instanceof SocketTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        return e.getClass().getSimpleName() + message;
    }

    /** Closes the sockets of exchanges past their deadline; now and then, idle connections kept too long. */
    private void sweep() {
        long now = System.nanoTime();
        for (Exchange exchange : running) {
            if (now - exchange.deadline > 0) {
                exchange.expire();
            }
        }
        if (ticks.incrementAndGet() % 100 == 0) {
            for (Route route : routes.values()) {
                for (Connection connection : route.idle) {
                    if (now - connection.idleSince >= IDLE_NANOS && route.idle.remove(connection)) {
                        route.count.decrementAndGet();
                        connection.close();
                    }
                }
            }
        }
    }

    /** Seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
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
        closed = true;
        deadlines.shutdownNow();
        for (Exchange exchange : running) {
            exchange.expire();
        }
        for (Route route : routes.values()) {
            Connection connection;
            while ((connection = route.idle.pollFirst()) != null) {
                route.count.decrementAndGet();
                connection.close();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** A parsed URL and the fixed start of every request to it. */
    private record Target(String route, String host, String hostName, int port, boolean tls, byte[] start) {

        static Target of(String url) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a valid URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("not an http or https URL");
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty() || uri.getRawAuthority() == null) {
                throw new IllegalArgumentException("no host");
            }
            boolean tls = scheme.equals("https");
            int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            String authority = uri.getRawAuthority();
            String start = "POST " + path + query + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: " + USER_AGENT
                    + "\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ";
            if (start.chars().anyMatch(c -> c > 126 || (c < 32 && c != '\r' && c != '\n'))) {
                throw new IllegalArgumentException("characters an HTTP request line cannot carry");
            }
            String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return new Target(scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port, host, name, port, tls,
                    start.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** The whole request: head and body, for one write. */
        byte[] request(String messageId, long timestamp, String signature, byte[] body) {
            byte[] rest = (body.length + "\r\nwebhook-id: " + messageId + "\r\nwebhook-timestamp: " + timestamp
                    + "\r\nwebhook-signature: " + signature + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = new byte[start.length + rest.length + body.length];
            System.arraycopy(start, 0, request, 0, start.length);
            System.arraycopy(rest, 0, request, start.length, rest.length);
            System.arraycopy(body, 0, request, start.length + rest.length, body.length);
            return request;
        }
    }

    /** Idle connections to one scheme, host and port, most recently used first. */
    private static final class Route {
        final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger count = new AtomicInteger();
    }

    private static final class Connection {

        final Socket socket;
        final InetAddress address;
        final InputStream in;
        final OutputStream out;
        final long born = System.nanoTime();
        volatile long idleSince = born;

        Connection(Socket socket, InetAddress address) throws IOException {
            this.socket = socket;
            this.address = address;
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
            this.out = socket.getOutputStream();
        }

        void close() {
            closeQuietly(socket);
        }
    }

    /** One attempt under way: its deadline, and the socket to close when it passes. */
    private static final class Exchange {

        final long deadline;
        private Socket socket;
        private boolean finished;
        volatile boolean expired;
        volatile boolean answered;

        Exchange(long deadline) {
            this.deadline = deadline;
        }

        synchronized void use(Socket socket) throws SocketTimeoutException {
            if (expired) {
                closeQuietly(socket);
                throw new SocketTimeoutException("timed out");
            }
            this.socket = socket;
        }

        void use(Connection connection) throws SocketTimeoutException {
            use(connection.socket);
        }

        /** Ends the exchange; false when its deadline closed the socket first. */
        synchronized boolean finish() {
            finished = true;
            return !expired;
        }

        synchronized void expire() {
            if (finished) {
                return;
            }
            expired = true;
            if (socket != null) {
                closeQuietly(socket);
            }
        }
    }
}
