package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.SessionSetup;
import dev.opencomputer.brain.SessionSetups;
import dev.opencomputer.brain.egress.EgressProxy;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.session.SessionId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * Network policies through the API: an agent's (checked, normalised, {@code open} only where the
 * operator allows it), a session's that may only narrow it, and what the brain is handed to enforce.
 */
class SessionNetworkIT extends SessionApiITBase {

    @Autowired
    SessionSetups setups;

    @SuppressWarnings("unchecked")
    private Map<String, Object> createAgent(TestTenant tenant, Map<String, Object> body, int status) {
        return as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(status).expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> startSession(TestTenant tenant, Map<String, Object> body, int status) {
        return as(tenant.key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(status).expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAgentsAllowListIsCheckedAndNormalisedAndOpenNeedsTheOperator() {
        TestTenant tenant = newTenant("network-agents");
        Map<String, Object> open = createAgent(tenant, Map.of("name", "opener", "model", "claude-sonnet-4-5",
                "network", Map.of("mode", "open")), 422);
        assertThat(open.get("errors").toString()).contains("network.mode", "allow-open");
        Map<String, Object> malformed = createAgent(tenant, Map.of("name", "bad", "model", "claude-sonnet-4-5",
                "network", Map.of("mode", "allowlist", "allow", List.of("https://registry.npmjs.org/"))), 422);
        assertThat(malformed.get("errors").toString()).contains("network", "not a host name");

        Map<String, Object> agent = createAgent(tenant, Map.of("name", "fetcher", "model", "claude-sonnet-4-5",
                "network", Map.of("mode", "allowlist", "allow", List.of("Registry.NPMJS.org", "*.Example.org:8443",
                        "registry.npmjs.org"))), 201);
        assertThat((Map<String, Object>) agent.get("network")).containsEntry("mode", "allowlist")
                .containsEntry("allow", List.of("registry.npmjs.org", "*.example.org:8443"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSessionMayOnlyNarrowItsAgentsNetworkAndTheBrainGetsTheNarrowedOne() {
        TestTenant tenant = newTenant("network-sessions");
        createAgent(tenant, Map.of("name", "fetcher", "model", "claude-sonnet-4-5", "network",
                Map.of("mode", "allowlist", "allow", List.of("*.example.org", "registry.npmjs.org"))), 201);
        createAgent(tenant, Map.of("name", "offline", "model", "claude-sonnet-4-5"), 201);

        Map<String, Object> wider = startSession(tenant, Map.of("agent", "fetcher", "input", "hi",
                "network", Map.of("mode", "allowlist", "allow", List.of("example.org"))), 422);
        assertThat(wider.get("errors").toString()).contains("example.org is not within the agent's allow-list");
        Map<String, Object> opened = startSession(tenant, Map.of("agent", "offline", "input", "hi",
                "network", Map.of("mode", "allowlist", "allow", List.of("registry.npmjs.org"))), 422);
        assertThat(opened.get("errors").toString()).contains("\"none\"");

        String narrowed = (String) startSession(tenant, Map.of("agent", "fetcher", "input", "hi",
                "network", Map.of("mode", "allowlist", "allow", List.of("pkg.example.org"))), 201).get("id");
        SessionSetup setup = setups.load(SessionId.parse(narrowed)).orElseThrow();
        assertThat(setup.network()).isEqualTo(NetworkPolicy.parse("allowlist", List.of("pkg.example.org")));
        assertThat(setup.env()).containsEntry("HTTPS_PROXY", EgressProxy.URL).containsEntry("no_proxy",
                "localhost,127.0.0.1,::1");

        String agents = (String) startSession(tenant, Map.of("agent", "fetcher", "input", "hi"), 201).get("id");
        assertThat(setups.load(SessionId.parse(agents)).orElseThrow().network().allow())
                .containsExactly("*.example.org", "registry.npmjs.org");
        String none = (String) startSession(tenant, Map.of("agent", "offline", "input", "hi"), 201).get("id");
        SessionSetup offline = setups.load(SessionId.parse(none)).orElseThrow();
        assertThat(offline.network()).isEqualTo(NetworkPolicy.NONE);
        assertThat(offline.env()).doesNotContainKeys("HTTP_PROXY", "HTTPS_PROXY", "http_proxy");
    }
}
