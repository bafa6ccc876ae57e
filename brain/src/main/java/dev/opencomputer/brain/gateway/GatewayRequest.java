package dev.opencomputer.brain.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request as the gateway reads it off a sandbox's socket: request line, headers, and a
 * body of {@code Content-Length} bytes or chunked. Bounded: oversized heads or bodies are refused.
 */
record GatewayRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_BODY = 32 * 1024 * 1024;

    /** A request the gateway cannot read: answered with 400 and the connection closed. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    /** The next request on the connection, null when the client closed it between requests. */
    static GatewayRequest read(InputStream in) throws IOException {
        String requestLine = line(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new Malformed("not an HTTP/1.1 request line");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        int headBytes = requestLine.length();
        while (true) {
            String header = line(in, false);
            if (header == null) {
                throw new Malformed("connection closed in the request head");
            }
            if (header.isEmpty()) {
                break;
            }
            headBytes += header.length();
            if (headBytes > MAX_HEAD) {
                throw new Malformed("request head too large");
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new Malformed("malformed header");
            }
            headers.add(Map.entry(header.substring(0, colon).strip(), header.substring(colon + 1).strip()));
        }
        GatewayRequest head = new GatewayRequest(parts[0], parts[1], List.copyOf(headers), new byte[0]);
        byte[] body;
        if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            body = chunked(in);
        } else if (head.header("content-length") != null) {
            long length;
            try {
                length = Long.parseLong(head.header("content-length"));
            } catch (NumberFormatException e) {
                throw new Malformed("malformed content-length");
            }
            if (length < 0 || length > MAX_BODY) {
                throw new Malformed("request body too large");
            }
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new Malformed("connection closed in the request body");
            }
        } else {
            body = new byte[0];
        }
        return new GatewayRequest(head.method, head.target, head.headers, body);
    }

    /** The first value of a header, case-insensitively; null when absent. */
    String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** The path without the query. */
    String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The token the agent presents: {@code x-api-key}, else {@code Authorization: Bearer}. */
    String token() {
        String key = header("x-api-key");
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        String authorization = header("authorization");
        if (authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return authorization.substring(7).strip();
        }
        return null;
    }

    boolean keepAlive() {
        return !"close".equalsIgnoreCase(header("connection"));
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in, false);
            if (size == null) {
                throw new Malformed("connection closed in a chunk");
            }
            int semicolon = size.indexOf(';');
            int length;
            try {
                length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            } catch (NumberFormatException e) {
                throw new Malformed("malformed chunk size");
            }
            if (length == 0) {
                while (true) { // trailers
                    String trailer = line(in, false);
                    if (trailer == null || trailer.isEmpty()) {
                        return body.toByteArray();
                    }
                }
            }
            if (body.size() + length > MAX_BODY) {
                throw new Malformed("request body too large");
            }
            byte[] chunk = in.readNBytes(length);
            if (chunk.length != length) {
                throw new Malformed("connection closed in a chunk");
            }
            body.writeBytes(chunk);
            line(in, false);
        }
    }

    /** A CRLF- (or LF-) terminated line; null at the end of the stream before any byte. */
    private static String line(InputStream in, boolean first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new Malformed("connection closed in a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                if (first && n == 0) {
                    continue; // tolerated blank lines between requests
                }
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_HEAD) {
                throw new Malformed("line too long");
            }
        }
    }
}
