package dev.opencomputer.brain.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's rules on addresses, checked after the proxy resolved a name, whatever the session's
 * policy: the deny-list (cloud metadata and other link-local addresses, unspecified, multicast and
 * broadcast, plus the operator's {@code deny}) always wins; private, loopback and shared ranges and
 * the platform's own addresses are refused unless the operator's {@code allow-private} names them;
 * and the platform's own ports ({@code platformPorts}) on its own or loopback addresses are refused
 * even then. Immutable.
 */
public final class AddressRules {

    /** Always denied: no allow-private reopens these. */
    static final List<String> ALWAYS_DENIED = List.of(
            "169.254.0.0/16", // link-local, where cloud metadata lives (169.254.169.254)
            "100.100.100.200/32", // Alibaba Cloud metadata
            "fd00:ec2::254/128", // AWS metadata over IPv6
            "fe80::/10", "0.0.0.0/8", "::/128", "224.0.0.0/4", "240.0.0.0/4", "ff00::/8");
    /** Private unless the operator allows a part of them. */
    static final List<String> PRIVATE = List.of(
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "100.64.0.0/10", "198.18.0.0/15",
            "192.0.0.0/24", "::1/128", "fc00::/7", "64:ff9b::/96", "2001:db8::/32");

    private final List<Cidr> denied;
    private final List<Cidr> privateRanges;
    private final List<Cidr> allowedPrivate;
    private final Set<InetAddress> ownAddresses;
    private final Set<Integer> platformPorts;

    /**
     * @param deny          the operator's ranges added to {@link #ALWAYS_DENIED}
     * @param allowPrivate  private ranges (or the platform's own addresses) the operator allows
     * @param ownAddresses  the platform's own addresses (this host's interfaces), treated as private
     * @param platformPorts ports of the platform itself (the API, the database) refused on its own and
     *                      loopback addresses even where those are allowed
     */
    public AddressRules(List<String> deny, List<String> allowPrivate, Set<InetAddress> ownAddresses,
            Set<Integer> platformPorts) {
        List<Cidr> d = new ArrayList<>(ALWAYS_DENIED.stream().map(Cidr::parse).toList());
        (deny == null ? List.<String>of() : deny).forEach(s -> d.add(Cidr.parse(s)));
        this.denied = List.copyOf(d);
        this.privateRanges = PRIVATE.stream().map(Cidr::parse).toList();
        this.allowedPrivate = (allowPrivate == null ? List.<String>of() : allowPrivate).stream().map(Cidr::parse)
                .toList();
        this.ownAddresses = Set.copyOf(ownAddresses);
        this.platformPorts = Set.copyOf(platformPorts);
    }

    /** The addresses of this host's network interfaces (the platform's own), empty when they cannot be listed. */
    public static Set<InetAddress> hostAddresses() {
        try {
            java.util.HashSet<InetAddress> all = new java.util.HashSet<>();
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                all.addAll(Collections.list(nif.getInetAddresses()).stream().map(AddressRules::plain).toList());
            }
            return all;
        } catch (SocketException e) {
            return Set.of();
        }
    }

    /** Why a connection to {@code address}:{@code port} is refused, or empty when it may be made. */
    public Optional<String> refusal(InetAddress address, int port) {
        InetAddress a = plain(address);
        for (Cidr range : denied) {
            if (range.contains(a)) {
                return Optional.of(a.getHostAddress() + " is on the deny-list (" + range + ")");
            }
        }
        boolean own = ownAddresses.contains(a) || a.isLoopbackAddress();
        boolean isPrivate = own || privateRanges.stream().anyMatch(r -> r.contains(a));
        if (isPrivate && allowedPrivate.stream().noneMatch(r -> r.contains(a))) {
            return Optional.of(a.getHostAddress() + " is a private address" + (own ? " of the platform" : ""));
        }
        if (own && platformPorts.contains(port)) {
            return Optional.of(a.getHostAddress() + ":" + port + " is the platform itself");
        }
        return Optional.empty();
    }

    /** An IPv4-mapped IPv6 address as the IPv4 address it is; any other address as it is, without a scope. */
    static InetAddress plain(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            try {
                return mapped ? Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]})
                        : InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                return address;
            }
        }
        return address;
    }
}
