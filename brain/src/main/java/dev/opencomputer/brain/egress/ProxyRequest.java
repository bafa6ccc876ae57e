package dev.opencomputer.brain.egress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The head of one request to the proxy: a {@code CONNECT host:port} tunnel, or a plain HTTP request
 * in absolute form ({@code GET http://host[:port]/path}), and what the proxy forwards upstream for
 * the latter: the origin-form request line, the headers without the proxy's own and hop-by-hop ones,
 * and {@code Connection: close} (one request per connection, so a client cannot send a second
 * request for another host down a connection already checked).
 */
record ProxyRequest(String method, String host, int port, String upstreamHead) {

    /** Parses a head (request line and headers, ending with the empty line); throws when it is not one. */
    static ProxyRequest parse(String head) {
        String[] lines = head.split("\r\n");
        String[] line = lines[0].split(" ");
        if (line.length != 3 || !line[2].startsWith("HTTP/1.")) {
            throw new IllegalArgumentException("not an HTTP/1.x request line");
        }
        String method = line[0].toUpperCase(Locale.ROOT);
        String target = line[1];
        if (method.equals("CONNECT")) {
            HostPort hp = HostPort.parse(target, -1);
            return new ProxyRequest(method, hp.host, hp.port, null);
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://")) {
            throw new IllegalArgumentException(lower.startsWith("https://")
                    ? "send https:// requests as CONNECT tunnels" : "this is a proxy: ask for an absolute http:// URL");
        }
        String rest = target.substring("http://".length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1); // credentials in the URL are not ours to check
        }
        HostPort hp = HostPort.parse(authority, 80);
        StringBuilder up = new StringBuilder(method).append(' ').append(path).append(' ').append(line[2]).append("\r\n");
        boolean hasHost = false;
        List<String> kept = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String header = lines[i];
            if (header.isEmpty()) {
                continue;
            }
            int colon = header.indexOf(':');
            String name = colon < 0 ? header : header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (name.startsWith("proxy-") || name.equals("connection") || name.equals("keep-alive")) {
                continue;
            }
            hasHost |= name.equals("host");
            kept.add(header);
        }
        if (!hasHost) {
            up.append("Host: ").append(authority).append("\r\n");
        }
        kept.forEach(h -> up.append(h).append("\r\n"));
        up.append("Connection: close\r\n\r\n");
        return new ProxyRequest(method, hp.host, hp.port, up.toString());
    }

    boolean tunnel() {
        return upstreamHead == null;
    }

    private record HostPort(String host, int port) {

        static HostPort parse(String authority, int defaultPort) {
            String host = authority;
            int port = defaultPort;
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("a bracketed address needs its ']'");
                }
                host = authority.substring(1, close);
                String rest = authority.substring(close + 1);
                if (rest.startsWith(":")) {
                    port = parsePort(rest.substring(1));
                }
            } else {
                int colon = authority.lastIndexOf(':');
                if (colon >= 0) {
                    host = authority.substring(0, colon);
                    port = parsePort(authority.substring(colon + 1));
                }
            }
            if (host.isEmpty() || port < 1) {
                throw new IllegalArgumentException("expected host:port");
            }
            return new HostPort(NetworkPolicy.normalise(host), port);
        }

        private static int parsePort(String s) {
            try {
                int p = Integer.parseInt(s);
                return p >= 1 && p <= 65535 ? p : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
