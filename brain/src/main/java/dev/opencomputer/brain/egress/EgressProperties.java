package dev.opencomputer.brain.egress;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.util.unit.DataSize;

/**
 * The operator's egress rules, bound from {@code opencomputer.egress.*}. A null value takes the
 * default; the constructor checks every entry and throws {@link IllegalArgumentException} naming
 * the property when one is malformed.
 *
 * @param allowOpen       whether agents may ask for {@code network.mode: open} at all (false)
 * @param defaultMode     the network of an agent that names none ({@code none})
 * @param defaultAllow    the allow-list of such an agent when {@code default-mode} is {@code allowlist}
 * @param deny            address ranges refused on top of the built-in deny-list (metadata,
 *                        link-local, multicast…); always wins
 * @param allowPrivate    private or loopback ranges (and the platform's own addresses) that may be
 *                        reached after all, e.g. {@code 10.20.0.0/16} for an internal registry
 * @param hosts           names the proxy resolves to a fixed address instead of asking DNS (like
 *                        {@code /etc/hosts}); the address is checked like any other
 * @param maxConnections  connections one session may have open at once (32); more are refused
 * @param maxBytes        bytes one session may move through the proxy in all, both ways (10GB);
 *                        past it, connections are cut and new ones refused
 * @param maxBytesPerSecond the bandwidth of one session through the proxy, all its connections and
 *                        both ways together (unset: unlimited); a session over it is slowed down, with
 *                        a quarter of a second's worth as a burst
 * @param connectTimeout  how long connecting upstream may take (10 s)
 * @param idleTimeout     a connection with no byte either way for this long is closed (5 min)
 * @param flushInterval   how long {@code network.request} events are gathered before they are
 *                        appended in one batch (1 s)
 */
public record EgressProperties(Boolean allowOpen, String defaultMode, List<String> defaultAllow, List<String> deny,
        List<String> allowPrivate, Map<String, String> hosts, Integer maxConnections, DataSize maxBytes,
        DataSize maxBytesPerSecond, Duration connectTimeout, Duration idleTimeout, Duration flushInterval) {

    /** The prefix of these settings. */
    public static final String PREFIX = "opencomputer.egress";

    public EgressProperties {
        allowOpen = allowOpen != null && allowOpen;
        defaultMode = defaultMode == null || defaultMode.isBlank() ? "none" : defaultMode.strip();
        defaultAllow = defaultAllow == null ? List.of() : List.copyOf(defaultAllow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        allowPrivate = allowPrivate == null ? List.of() : List.copyOf(allowPrivate);
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
        maxConnections = maxConnections == null || maxConnections < 1 ? 32 : maxConnections;
        maxBytes = maxBytes == null || maxBytes.toBytes() < 1 ? DataSize.ofGigabytes(10) : maxBytes;
        maxBytesPerSecond = maxBytesPerSecond == null || maxBytesPerSecond.toBytes() < 1 ? null : maxBytesPerSecond;
        connectTimeout = positive(connectTimeout, Duration.ofSeconds(10));
        idleTimeout = positive(idleTimeout, Duration.ofMinutes(5));
        flushInterval = positive(flushInterval, Duration.ofSeconds(1));
        try {
            NetworkPolicy policy = NetworkPolicy.parse(defaultMode, defaultAllow);
            if (policy.mode() == NetworkPolicy.Mode.OPEN && !allowOpen) {
                throw new IllegalArgumentException("is open, but allow-open is false");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + ".default-mode / default-allow: " + e.getMessage(), e);
        }
        for (String range : deny) {
            check("deny", range);
        }
        for (String range : allowPrivate) {
            check("allow-private", range);
        }
        hosts.forEach((name, address) -> check("hosts." + name, address));
    }

    /** The defaults: no network for agents that name none, no open network, nothing private allowed. */
    public static EgressProperties defaults() {
        return new EgressProperties(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The network of an agent that names none. */
    public NetworkPolicy defaultPolicy() {
        return NetworkPolicy.parse(defaultMode, defaultAllow);
    }

    /** The address rules these settings make, with the platform's own addresses and ports. */
    public AddressRules rules(Set<InetAddress> ownAddresses, Set<Integer> platformPorts) {
        return new AddressRules(deny, allowPrivate, ownAddresses, platformPorts);
    }

    private static void check(String property, String range) {
        try {
            Cidr.parse(range);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "." + property + ": " + e.getMessage(), e);
        }
    }

    private static Duration positive(Duration value, Duration otherwise) {
        return value == null || value.isNegative() || value.isZero() ? otherwise : value;
    }
}
