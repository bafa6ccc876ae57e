package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.TestEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * MCP servers through the API: an agent's servers (a new version) and a session's own, checked with
 * a 422 naming the field, run by this application's brain (the npm reference servers over stdio in a
 * real sandbox), and shown with their state by {@code GET /v1/sessions/{id}}.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class McpSessionsIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final Map<String, Object> FILESYSTEM = Map.of("name", "fs",
            "command", "/opt/mcp/node_modules/.bin/mcp-server-filesystem", "args", List.of("/workspace"));

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
        registry.add("opencomputer.sandbox.image-mounts[1].image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.image-mounts[1].source", TestEngine::mcpServersDir);
        registry.add("opencomputer.sandbox.image-mounts[1].target", () -> "/opt/mcp");
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }

    @Test
    void theAgentsAndTheSessionsServersRunAndTheSessionShowsTheirState() {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Noting.").withToolCall("mcp__fs__write_file",
                        "{\"path\":\"/workspace/todo.txt\",\"content\":\"buy milk\"}"),
                ScriptedTurn.text("Echoing.").withToolCall("mcp__every__echo", "{\"message\":\"hi there\"}"),
                ScriptedTurn.text("Done: {{lastToolResult}}")));
        Setup setup = tenantWithKeyedAgent("mcp-e2e", "sk-test-mcp");
        WebTestClient api = as(setup.tenant().key());
        Map<?, ?> agent = api.patch().uri("/v1/agents/" + setup.agentId()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mcpServers", List.of(FILESYSTEM))).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(agent.get("version")).isEqualTo(2);
        assertThat((List<?>) agent.get("mcpServers")).hasSize(1);

        Map<?, ?> session = api.post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "note and echo", "mcpServers", List.of(Map.of(
                        "name", "every", "command", "/opt/mcp/node_modules/.bin/mcp-server-everything"))))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) session.get("id");

        Await.until(WAIT, "the session to go idle", () -> "idle".equals(get(api, id).get("status")));
        Map<?, ?> shown = get(api, id);
        List<?> servers = (List<?>) shown.get("mcpServers");
        assertThat(servers).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> fs = (Map<String, Object>) servers.get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> every = (Map<String, Object>) servers.get(1);
        assertThat(fs).containsEntry("name", "fs").containsEntry("source", "agent").containsEntry("type", "stdio")
                .containsEntry("status", "connected");
        assertThat(((Number) fs.get("tools")).intValue()).isGreaterThan(5);
        assertThat(every).containsEntry("name", "every").containsEntry("source", "session")
                .containsEntry("status", "connected");
        List<RecordedRequest> requests = MODELS.requests().stream()
                .filter(r -> r.userTexts().contains("note and echo")).toList();
        assertThat(requests).hasSize(3);
        assertThat(requests.getFirst().toolNames()).contains("mcp__fs__write_file", "mcp__every__echo");
        assertThat(requests.get(2).lastToolResult()).contains("hi there");
        List<?> events = (List<?>) api.get().uri("/v1/sessions/" + id + "/events").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("data");
        assertThat(events.stream().map(e -> String.valueOf(((Map<?, ?>) e).get("type")))).contains("mcp.connected");
    }

    @Test
    void invalidServersAreA422NamingTheField() {
        Setup setup = tenantWithAgent("mcp-invalid");
        WebTestClient api = as(setup.tenant().key());
        assertInvalid(api.post().uri("/v1/agents"), Map.of("name", "other", "model", "claude-sonnet-4-5",
                "mcpServers", List.of(Map.of("name", "Bad Name", "command", "x"))), "mcpServers[0].name");
        assertInvalid(api.post().uri("/v1/agents"), Map.of("name", "other", "model", "claude-sonnet-4-5",
                "mcpServers", List.of(Map.of("name", "remote", "type", "http", "url", "http://10.1.2.3/mcp"))),
                "mcpServers[0].url");
        assertInvalid(api.post().uri("/v1/agents"), Map.of("name", "other", "model", "claude-sonnet-4-5",
                "mcpServers", List.of(Map.of("name", "remote", "type", "http", "url", "http://127.0.0.1:9/mcp",
                        "headers", Map.of("Authorization", Map.of("secret", "not a name"))))),
                "mcpServers[0].headers.Authorization");
        assertInvalid(api.post().uri("/v1/agents"), Map.of("name", "other", "model", "claude-sonnet-4-5",
                "mcpServers", List.of(Map.of("name", "a", "command", "x"), Map.of("name", "a", "command", "y"))),
                "mcpServers[1].name");
        api.patch().uri("/v1/agents/" + setup.agentId()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mcpServers", List.of(FILESYSTEM))).exchange().expectStatus().isOk();
        assertInvalid(api.post().uri("/v1/sessions"), Map.of("agent", "coder", "input", "hi",
                "mcpServers", List.of(Map.of("name", "fs", "command", "x"))), "mcpServers[0].name");
        assertInvalid(api.post().uri("/v1/sessions"), Map.of("agent", "coder", "input", "hi",
                "mcpServers", List.of(Map.of("name", "both", "command", "x", "url", "https://example.com/mcp"))),
                "mcpServers[0].url");
    }

    private static Map<?, ?> get(WebTestClient api, String id) {
        return api.get().uri("/v1/sessions/" + id).exchange().expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
    }

    private static void assertInvalid(WebTestClient.RequestBodySpec request, Map<String, Object> body,
            String field) {
        Map<?, ?> problem = request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(422).expectBody(Map.class).returnResult().getResponseBody();
        assertThat(problem.get("type")).isEqualTo(PROBLEMS + "validation-failed");
        assertThat((List<?>) problem.get("errors")).as("errors of %s", body)
                .anySatisfy(error -> assertThat(((Map<?, ?>) error).get("field")).isEqualTo(field));
    }
}
