package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.ConflictException;
import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.agents.Agent;
import dev.opencomputer.sdk.agents.AgentNetwork;
import dev.opencomputer.sdk.agents.AgentPermissions;
import dev.opencomputer.sdk.agents.ClientTool;
import dev.opencomputer.sdk.agents.CreateAgentRequest;
import dev.opencomputer.sdk.agents.McpServer;
import dev.opencomputer.sdk.agents.UpdateAgentRequest;
import dev.opencomputer.sdk.github.GithubTrigger;
import dev.opencomputer.sdk.github.GithubTriggerChange;
import dev.opencomputer.sdk.github.GithubTriggerRequest;
import dev.opencomputer.sdk.runtimes.Runtime;
import dev.opencomputer.sdk.sessions.ConfigChange;
import dev.opencomputer.sdk.sessions.CreateSessionRequest;
import dev.opencomputer.sdk.sessions.Session;
import dev.opencomputer.sdk.sessions.SessionConfig;
import dev.opencomputer.sdk.sessions.SessionConfigOptions;
import dev.opencomputer.sdk.sessions.SessionEvent;
import dev.opencomputer.sdk.sessions.StartedSession;
import dev.opencomputer.sdk.sessions.UserMessage;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import dev.opencomputer.sdk.usage.UsageReport;
import dev.opencomputer.server.ApiITBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The parts of the API the SDK once lacked, against the real server: cancelling, closing, waking
 * and destroying a session, its live config, an interrupting message, pending waits, usage,
 * runtimes, GitHub triggers, and the MCP servers, permissions and client tools of agents and
 * sessions. The server refuses unknown fields, so every call here also shows the SDK sends only
 * fields the API knows.
 */
class SdkControlIT extends ApiITBase {

    private final List<OpenComputer> open = new ArrayList<>();

    private OpenComputer client(String key) {
        var oc = OpenComputer.builder().apiKey(key).baseUrl("http://localhost:" + port).build();
        open.add(oc);
        return oc;
    }

    private OpenComputer newTenant(String name, boolean withAgent) {
        var created = client(OPERATOR_KEY).tenants().create(CreateTenantRequest.builder().name(name).build());
        var oc = client(created.apiKey().key());
        if (withAgent) {
            oc.agents().create(CreateAgentRequest.builder().name("coder").model("claude-sonnet-4-5").build());
        }
        return oc;
    }

    @AfterEach
    void closeClients() {
        open.reversed().forEach(OpenComputer::close);
    }

    @Test
    void aSessionIsSteeredCancelledClosedWokenAndDestroyedThroughTheSdk() {
        var oc = newTenant("sdk-control", true);
        StartedSession started = oc.sessions().create(CreateSessionRequest.of("coder", "hello"));
        String id = started.id();

        SessionConfigOptions options = oc.sessions().configOptions(id);
        assertThat(options.models()).contains("claude-sonnet-4-5");
        assertThat(options.thinking()).contains("off", "high");
        assertThat(options.current().model()).isEqualTo("claude-sonnet-4-5");
        SessionConfig changed = oc.sessions().changeConfig(id, ConfigChange.thinking("high")
                .withMode(options.modes().getLast()));
        assertThat(changed).isEqualTo(new SessionConfig("claude-sonnet-4-5", options.modes().getLast(), "high"));
        assertThat(oc.sessions().configOptions(id).current()).isEqualTo(changed);

        assertThat(oc.sessions().pending(id).permissions()).isEmpty();
        assertThat(oc.sessions().pending(id).clientToolCalls()).isEmpty();

        long seq = oc.sessions().interrupt(id, "stop and do this instead");
        List<SessionEvent> events = StreamSupport.stream(oc.sessions().allEvents(id).spliterator(), false).toList();
        assertThat(events).filteredOn(e -> e.position().orElse(-1) == seq).singleElement()
                .isInstanceOfSatisfying(UserMessage.class, m -> assertThat(m.text()).isEqualTo("stop and do this instead"));

        Session cancelled = oc.sessions().cancel(id);
        assertThat(cancelled.id()).isEqualTo(id);
        Session awake = oc.sessions().wake(id);
        assertThat(awake.id()).isEqualTo(id);
        assertThat(awake.status()).isNotEqualTo("hibernated");

        Session closed = oc.sessions().close(id);
        assertThat(closed.status()).isEqualTo("closed");
        assertThatThrownBy(() -> oc.sessions().sendMessage(id, "too late")).isInstanceOf(ConflictException.class);
        assertThat(oc.sessions().get(id).status()).isEqualTo("closed");

        oc.sessions().destroy(id);
        assertThatThrownBy(() -> oc.sessions().get(id)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void usageAndRuntimesAreReadThroughTheSdk() {
        var oc = newTenant("sdk-usage", true);
        oc.sessions().create(CreateSessionRequest.of("coder", "count me"));

        UsageReport last30Days = oc.usage().get();
        assertThat(last30Days.to()).isAfter(Instant.now().minusSeconds(60));
        assertThat(last30Days.from()).isBefore(last30Days.to());
        assertThat(last30Days.total()).isNotNull();
        assertThat(last30Days.total().sessionId()).isNull();
        UsageReport lastHour = oc.usage().get(Instant.now().minusSeconds(3600), null);
        assertThat(lastHour.from()).isAfter(Instant.now().minusSeconds(3700));

        assertThat(oc.runtimes().list()).extracting(Runtime::name).contains("native");
        assertThat(oc.runtimes().list()).filteredOn(r -> r.name().equals("native")).singleElement()
                .satisfies(r -> assertThat(r.kind()).isEqualTo("native"));
    }

    @Test
    void agentsAndSessionsCarryMcpServersPermissionsAndClientTools() {
        var oc = newTenant("sdk-mcp", false);
        var schema = Map.<String, Object>of("type", "object", "properties", Map.of("city", Map.of("type", "string")));
        Agent agent = oc.agents().create(CreateAgentRequest.builder().name("helper").model("claude-sonnet-4-5")
                .runtime("native").permissions(AgentPermissions.ask("bash"))
                .clientTool(new ClientTool("weather", "the weather in a city", schema))
                .mcpServer(McpServer.stdio("files", "mcp-files", "--root", "/workspace").withEnv("LOG", "quiet"))
                .network(AgentNetwork.allowlist("github.com")).skipOsInstructions(true).build());

        Agent got = oc.agents().get(agent.id());
        assertThat(got.runtime()).isEqualTo("native");
        assertThat(got.permissions().tools()).containsEntry("bash", "ask");
        assertThat(got.clientTools()).extracting(ClientTool::name).containsExactly("weather");
        assertThat(got.mcpServers()).singleElement().satisfies(server -> {
            assertThat(server.name()).isEqualTo("files");
            assertThat(server.type()).isEqualTo("stdio");
            assertThat(server.args()).containsExactly("--root", "/workspace");
            assertThat(server.env()).containsEntry("LOG", "quiet");
        });
        assertThat(got.skipOsInstructions()).isTrue();
        assertThat(got.network()).isEqualTo(AgentNetwork.allowlist("github.com"));

        Agent updated = oc.agents().update(agent.id(), UpdateAgentRequest.builder().mcpServers(List.of())
                .clientTools(null).skipOsInstructions(false).build());
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.mcpServers()).isEmpty();
        assertThat(updated.clientTools()).isEmpty();
        assertThat(updated.skipOsInstructions()).isFalse();

        StartedSession session = oc.sessions().create(CreateSessionRequest.builder().agent("helper").input("hi")
                .mcpServer(McpServer.stdio("notes", "mcp-notes"))
                .permissions(AgentPermissions.ask("write_file")).network(AgentNetwork.none()).build());
        assertThat(session.id()).startsWith("ses_");
    }

    @Test
    void githubTriggersAreManagedThroughTheSdk() {
        var oc = newTenant("sdk-github", true);
        oc.secrets().put("gh-token", "ghp_not_a_real_token");

        GithubTrigger created = oc.githubTriggers().create(GithubTriggerRequest.of("octo/repo", "agent", "coder",
                "gh-token"));
        assertThat(created.id()).startsWith("ght_");
        assertThat(created.webhookSecret()).isNotBlank();
        assertThat(created.webhookUrl()).isEqualTo("/v1/github/hooks/" + created.id());

        GithubTrigger got = oc.githubTriggers().get(created.id());
        assertThat(got.webhookSecret()).isNull();
        assertThat(got.repository()).isEqualTo("octo/repo");
        assertThat(oc.githubTriggers().list().stream().map(GithubTrigger::id)).containsExactly(created.id());

        GithubTrigger relabelled = oc.githubTriggers().update(created.id(), GithubTriggerChange.label("ai"));
        assertThat(relabelled.label()).isEqualTo("ai");
        assertThat(oc.githubTriggers().update(created.id(), GithubTriggerChange.disabled(true)).disabled()).isTrue();

        oc.githubTriggers().delete(created.id());
        assertThatThrownBy(() -> oc.githubTriggers().get(created.id())).isInstanceOf(NotFoundException.class);
    }
}
