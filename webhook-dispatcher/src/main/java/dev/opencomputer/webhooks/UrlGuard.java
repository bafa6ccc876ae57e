package dev.opencomputer.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The SSRF guard: endpoint URLs must be {@code https} (or {@code http} when the operator allows
 * it) and every address their host resolves to must be public: not loopback, private (RFC 1918,
 * CGNAT, IPv6 ULA), link-local (169.254.0.0/16 with the cloud metadata address, fe80::/10),
 * multicast, broadcast or unspecified, unless it lies in an allowed network. Checked when an
 * endpoint is created or changed and again, with a fresh DNS answer, by every delivery, which
 * then connects to exactly the addresses checked. Thread-safe.
 */
public final class UrlGuard {

    private final boolean allowHttp;
    private final List<Cidr> allowed;

    public UrlGuard(boolean allowHttp, List<String> allowedNetworks) {
        this.allowHttp = allowHttp;
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    }

    public static UrlGuard of(WebhookProperties properties) {
        return new UrlGuard(properties.allowHttp(), properties.allowedNetworks());
    }

    /**
     * The URL, parsed, when its scheme and the addresses of its host are allowed.
     *
     * @throws UrlRejectedException when they are not, saying why
     */
    public URI check(String url) {
        URI uri = parse(url);
        resolve(uri.getHost());
        return uri;
    }

    /** Checks shape and scheme only, no DNS (for URLs stored earlier). */
    public URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new UrlRejectedException(url, "a URL is required");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new UrlRejectedException(url, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new UrlRejectedException(url, allowHttp ? "must be an http or https URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new UrlRejectedException(url, "has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UrlRejectedException(url, "must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new UrlRejectedException(url, "must not have a fragment");
        }
        if (url.length() > 2048) {
            throw new UrlRejectedException(url, "is longer than 2048 characters");
        }
        return uri;
    }

    /**
     * Resolves {@code host} now and returns its addresses when every one is allowed.
     *
     * @throws UrlRejectedException when the host does not resolve or any address is refused
     */
    public InetAddress[] resolve(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw new UrlRejectedException(host, "host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null && allowed.stream().noneMatch(block -> block.contains(address))) {
                throw new UrlRejectedException(host, "host " + host + " resolves to " + address.getHostAddress()
                        + ", a " + refusal + " address");
            }
        }
        return addresses;
    }

    /** Why an address is refused, or null when it is a public unicast address. */
    static String refusal(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "unspecified";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "private"; // carrier-grade NAT, 100.64.0.0/10
            }
            if (first == 169 && second == 254) {
                return "link-local";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "private"; // benchmarking networks, 198.18.0.0/15
            }
            if (first >= 240) {
                return "reserved";
            }
        } else if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return "private"; // unique local, fc00::/7
            }
            if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return "private"; // deprecated site-local, fec0::/10
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))) {
                // IPv4-compatible or IPv4-mapped: judge the embedded IPv4 address
                try {
                    return refusal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return "reserved";
                }
            }
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return "translated"; // NAT64, 64:ff9b::/96
            }
        }
        return null;
    }
}
