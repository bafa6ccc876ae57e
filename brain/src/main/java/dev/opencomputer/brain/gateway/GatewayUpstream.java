package dev.opencomputer.brain.gateway;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The gateway's client of the model providers: HTTP/1.1 over a pool of kept-alive connections (TLS
 * for {@code https}, with the host name verified), writing the request as given and handing the
 * response's body on as it arrives, one read at a time, without re-framing it through an
 * asynchronous client ({@code java.net.http} cost the gateway about 1.5 ms a call and a thread
 * hand-off per streamed event; docs/performance.md). Thread-safe; each call has its connection to
 * itself.
 */
final class GatewayUpstream implements AutoCloseable {

    /** Idle connections kept per origin. */
    static final int MAX_IDLE = 8;
    /** An idle connection older than this is not reused (servers close theirs after 5-60 s). */
    static final Duration MAX_IDLE_TIME = Duration.ofSeconds(20);
    private static final int MAX_HEAD = 64 * 1024;

    /** What the response is handed to: its head once, then its body piece by piece. */
    interface Sink {
        void head(int status, List<Map.Entry<String, String>> headers) throws IOException;

        /** A piece of the body; {@code more} when more of it is already buffered (no need to flush yet). */
        void data(byte[] buffer, int length, boolean more) throws IOException;
    }

    /** No response came at all: the provider cannot be reached (a 502 for the agent). */
    static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection that is done with
            }
        }
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Map<String, ArrayDeque<Connection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    GatewayUpstream(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * POSTs {@code body} to {@code uri} with {@code headers} (besides {@code host} and
     * {@code content-length}, which are set here) and hands the response to {@code sink}. A kept-alive
     * connection that fails before any byte of the response is replaced by a fresh one, once (the
     * server closed it while it was idle).
     *
     * @throws Unreachable when no response could be had; any other IOException came after the head
     */
    void post(URI uri, List<Map.Entry<String, String>> headers, byte[] body, Sink sink) throws IOException {
        String origin = origin(uri);
        byte[] head = requestHead(uri, headers, body.length);
        Connection connection = take(origin);
        boolean reused = connection != null;
        while (true) {
            if (connection == null) {
                try {
                    connection = open(uri);
                } catch (IOException e) {
                    throw new Unreachable("cannot connect to " + origin + ": " + e.getMessage(), e);
                }
            }
            int status;
            List<Map.Entry<String, String>> responseHeaders = new ArrayList<>();
            try {
                connection.out.write(head);
                connection.out.write(body);
                connection.out.flush();
                status = readHead(connection.in, responseHeaders);
            } catch (IOException e) {
                connection.close();
                if (reused) {
                    reused = false;
                    connection = null;
                    continue;
                }
                throw new Unreachable("no response from " + origin + ": " + e.getMessage(), e);
            }
            boolean reusable = false;
            try {
                sink.head(status, responseHeaders);
                reusable = body(connection.in, status, responseHeaders, sink);
            } finally {
                if (reusable) {
                    give(origin, connection);
                } else {
                    connection.close();
                }
            }
            return;
        }
    }

    /** Copies the body to {@code sink}; true when the connection can carry another request. */
    private static boolean body(InputStream in, int status, List<Map.Entry<String, String>> headers, Sink sink)
            throws IOException {
        String encoding = header(headers, "transfer-encoding");
        String length = header(headers, "content-length");
        boolean close = "close".equalsIgnoreCase(header(headers, "connection"));
        byte[] buffer = new byte[16 * 1024];
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return !close;
        }
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String line = line(in);
                int semicolon = line.indexOf(';');
                long size = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).strip(), 16);
                if (size == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers are not passed on
                    }
                    return !close;
                }
                copy(in, size, buffer, sink);
                if (!line(in).isEmpty()) {
                    throw new IOException("a chunk did not end with CRLF");
                }
            }
        }
        if (length != null) {
            copy(in, Long.parseLong(length.strip()), buffer, sink);
            return !close;
        }
        int n;
        while ((n = in.read(buffer)) > 0) { // no length: the body ends with the connection
            sink.data(buffer, n, in.available() > 0);
        }
        return false;
    }

    private static void copy(InputStream in, long size, byte[] buffer, Sink sink) throws IOException {
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("the response ended " + left + " bytes early");
            }
            left -= n;
            sink.data(buffer, n, left > 0 && in.available() > 0);
        }
    }

    private static int readHead(InputStream in, List<Map.Entry<String, String>> headers) throws IOException {
        String status = line(in);
        while (status.isEmpty()) {
            status = line(in);
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        int total = 0;
        while (true) {
            String line = line(in);
            if (line.isEmpty()) {
                break;
            }
            total += line.length();
            if (total > MAX_HEAD) {
                throw new IOException("the response head is longer than " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(Map.entry(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
            }
        }
        if (code == 100) { // a server may send 100 Continue unasked: the real head follows
            headers.clear();
            return readHead(in, headers);
        }
        return code;
    }

    /** One line without its CRLF (ISO-8859-1); EOF before it ends is an error. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection ended inside a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() > MAX_HEAD) {
                throw new IOException("a line of the response is longer than " + MAX_HEAD + " bytes");
            }
            line.write(b);
        }
    }

    static String header(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    private static byte[] requestHead(URI uri, List<Map.Entry<String, String>> headers, int length) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder head = new StringBuilder("POST ").append(path);
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\nhost: ").append(uri.getHost());
        if (uri.getPort() > 0) {
            head.append(':').append(uri.getPort());
        }
        head.append("\r\n");
        for (Map.Entry<String, String> header : headers) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("content-length: ").append(length).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private Connection open(URI uri) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), port(uri)), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            if ("https".equalsIgnoreCase(uri.getScheme())) {
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(socket, uri.getHost(), port(uri), true);
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                return new Connection(tls);
            }
            return new Connection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private Connection take(String origin) {
        ArrayDeque<Connection> queue = idle.get(origin);
        if (queue == null) {
            return null;
        }
        long now = System.nanoTime();
        synchronized (queue) {
            Connection connection;
            while ((connection = queue.pollLast()) != null) {
                if (now - connection.idleSince < MAX_IDLE_TIME.toNanos() && !connection.socket.isClosed()) {
                    return connection;
                }
                connection.close();
            }
        }
        return null;
    }

    private void give(String origin, Connection connection) {
        if (closed) {
            connection.close();
            return;
        }
        connection.idleSince = System.nanoTime();
        ArrayDeque<Connection> queue = idle.computeIfAbsent(origin, o -> new ArrayDeque<>());
        synchronized (queue) {
            queue.addLast(connection);
            while (queue.size() > MAX_IDLE) {
                queue.pollFirst().close();
            }
        }
    }

    /** Idle connections per origin, for tests. */
    int idleConnections(URI uri) {
        ArrayDeque<Connection> queue = idle.get(origin(uri));
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.size();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ArrayDeque<Connection> queue : idle.values()) {
            synchronized (queue) {
                queue.forEach(Connection::close);
                queue.clear();
            }
        }
    }
}
