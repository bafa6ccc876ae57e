package dev.opencomputer.brain.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {

    private static NetworkPolicy allow(String... entries) {
        return NetworkPolicy.parse("allowlist", List.of(entries));
    }

    @Test
    void anEntryWithoutAPortAllowsOnlyHttpAndHttpsAndAWildcardOnlyNamesBelowItsDomain() {
        NetworkPolicy policy = allow("registry.npmjs.org", "*.example.org", "git.example.com:22");
        assertThat(policy.permits("registry.npmjs.org", 443)).isTrue();
        assertThat(policy.permits("Registry.NPMJS.org.", 80)).isTrue();
        assertThat(policy.permits("registry.npmjs.org", 8080)).isFalse();
        assertThat(policy.permits("a.b.example.org", 443)).isTrue();
        assertThat(policy.permits("example.org", 443)).isFalse();
        assertThat(policy.permits("evilexample.org", 443)).isFalse();
        assertThat(policy.permits("git.example.com", 22)).isTrue();
        assertThat(policy.permits("git.example.com", 443)).isFalse();
        assertThat(NetworkPolicy.NONE.permits("registry.npmjs.org", 443)).isFalse();
        assertThat(NetworkPolicy.parse("open", null).permits("anything.example", 1234)).isTrue();
    }

    @Test
    void aSessionMayOnlyNarrowItsAgentsPolicy() {
        NetworkPolicy agent = allow("*.example.org", "registry.npmjs.org", "git.example.com:22");
        assertThat(agent.widenedBy(NetworkPolicy.NONE)).isEmpty();
        assertThat(agent.widenedBy(allow("pkg.example.org", "*.cdn.example.org", "registry.npmjs.org:443"))).isEmpty();
        assertThat(agent.widenedBy(allow("example.org"))).contains("example.org is not within the agent's allow-list");
        assertThat(agent.widenedBy(allow("registry.npmjs.org:8080"))).isPresent();
        assertThat(agent.widenedBy(allow("git.example.com"))).isPresent();
        assertThat(agent.widenedBy(NetworkPolicy.parse("open", null))).isPresent();
        assertThat(NetworkPolicy.NONE.widenedBy(allow("registry.npmjs.org"))).isPresent();
        assertThat(NetworkPolicy.parse("open", null).widenedBy(NetworkPolicy.parse("open", null))).isEmpty();
    }

    @Test
    void malformedPoliciesAreRefusedWithAReason() {
        assertThatThrownBy(() -> NetworkPolicy.parse("everything", null)).hasMessageContaining("mode must be one of");
        assertThatThrownBy(() -> NetworkPolicy.parse("none", List.of("a.example"))).hasMessageContaining("allowlist");
        assertThatThrownBy(() -> allow("http://a.example")).hasMessageContaining("not a host name");
        assertThatThrownBy(() -> allow("*.com")).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> allow("a.example:70000")).hasMessageContaining("port");
        assertThat(allow("A.Example.", "a.example", "[::1]:8080").allow()).containsExactly("a.example", "[::1]:8080");
    }
}
