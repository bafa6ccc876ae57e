package dev.opencomputer.session;

/**
 * One connection the session's sandbox asked the egress proxy for: where to ({@code host},
 * {@code port}), whether the session's network policy let it through, how many bytes went each way
 * (from the sandbox: {@code bytesOut}; to it: {@code bytesIn}), how long it was open, and, when it
 * was refused or failed, why ({@code reason}, null for a connection that was served). Wire name
 * {@value #TYPE}.
 *
 * @param method  {@code CONNECT} for a tunnel (HTTPS, git over TLS), else the plain HTTP method
 * @param address the address the proxy resolved {@code host} to and checked; null when it was
 *                refused before resolving
 */
public record NetworkRequest(
        String host,
        int port,
        boolean allowed,
        long bytesOut,
        long bytesIn,
        long durationMs,
        String method,
        String address,
        String reason)
        implements SessionEvent {

    public static final String TYPE = "network.request";

    @Override
    public String type() {
        return TYPE;
    }
}
