package dev.opencomputer.sdk.agents;

import java.util.List;

/**
 * What an agent's (or a session's) sandbox may reach through the platform's egress proxy
 * (docs/network.md).
 *
 * @param mode  {@code none}, {@code allowlist} or {@code open}
 * @param allow for {@code allowlist}: the hosts (and {@code *.domain} patterns) it may reach
 */
public record AgentNetwork(String mode, List<String> allow) {

    public AgentNetwork {
        allow = allow == null ? null : List.copyOf(allow);
    }

    public static AgentNetwork none() {
        return new AgentNetwork("none", null);
    }

    public static AgentNetwork allowlist(String... hosts) {
        return new AgentNetwork("allowlist", List.of(hosts));
    }

    public static AgentNetwork open() {
        return new AgentNetwork("open", null);
    }
}
