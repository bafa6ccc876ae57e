package dev.opencomputer.brain.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the proxy turns a name into addresses. The proxy resolves every name itself (the sandbox has
 * no DNS) and checks each address it would connect to, so a name that resolves to a denied address
 * is refused however it got there.
 */
@FunctionalInterface
public interface HostResolver {

    /** The addresses of {@code host} (a name or an address literal), in the order to try them. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * The system's resolver, except for the names of {@code pinned} (name → address literal, like
     * {@code /etc/hosts}; the operator's {@code opencomputer.egress.hosts}).
     */
    static HostResolver system(Map<String, String> pinned) {
        Map<String, String> names = pinned.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                e -> NetworkPolicy.normalise(e.getKey()), e -> e.getValue().strip()));
        return host -> {
            String name = NetworkPolicy.normalise(host).toLowerCase(Locale.ROOT);
            String address = names.get(name);
            if (address != null) {
                return List.of(InetAddress.getByAddress(name, InetAddress.getByName(address).getAddress()));
            }
            return List.of(InetAddress.getAllByName(name));
        };
    }
}
