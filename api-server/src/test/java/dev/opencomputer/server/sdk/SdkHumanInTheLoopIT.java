package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.sdk.ConflictException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.agents.AgentPermissions;
import dev.opencomputer.sdk.agents.ClientTool;
import dev.opencomputer.sdk.agents.CreateAgentRequest;
import dev.opencomputer.sdk.sessions.ClientToolCalled;
import dev.opencomputer.sdk.sessions.CreateSessionRequest;
import dev.opencomputer.sdk.sessions.PermissionAnswered;
import dev.opencomputer.sdk.sessions.PermissionRequested;
import dev.opencomputer.sdk.sessions.SessionEvent;
import dev.opencomputer.sdk.sessions.SessionIdle;
import dev.opencomputer.sdk.sessions.ToolResult;
import dev.opencomputer.server.sessions.SessionApiITBase;
import dev.opencomputer.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The SDK as a backend uses it for human in the loop: it streams a session, approves the
 * permission request it sees and runs the client tool the model called, until the session is idle.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SdkHumanInTheLoopIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }

    @Test
    void aBackendApprovesARequestAndAnswersAClientToolFromTheStream() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Checking.").withToolCall("bash", "{\"command\":\"echo checked\"}"),
                ScriptedTurn.text("Refunding.").withToolCall("refund", "{\"orderId\":\"A-7\",\"amount\":12}"),
                ScriptedTurn.text("Refunded.")));
        TestTenant tenant = newTenant("sdk-hitl");
        putSecret(tenant, "model-key", "sk-test-sdk-hitl");
        try (OpenComputer oc = OpenComputer.builder().apiKey(tenant.key()).baseUrl(url("")).build()) {
            oc.agents().create(CreateAgentRequest.builder().name("coder").model("claude-sonnet-4-5")
                    .provider("anthropic").credential("model-key").permissions(AgentPermissions.ask("bash"))
                    .clientTool(new ClientTool("refund", "Refunds an order", Map.of("type", "object",
                            "properties", Map.of("orderId", Map.of("type", "string"),
                                    "amount", Map.of("type", "number")))))
                    .build());
            String id = oc.sessions().create(CreateSessionRequest.of("coder", "refund order A-7")).id();
            List<SessionEvent> seen = new ArrayList<>();
            List<PermissionAnswered> answers = new ArrayList<>();
            List<ToolResult> results = new ArrayList<>();
            try (var events = oc.sessions().stream(id)) {
                CompletableFuture.runAsync(() -> {
                    for (SessionEvent event : events) {
                        seen.add(event);
                        switch (event) {
                            case PermissionRequested p -> answers.add(oc.sessions().approve(id, p.requestId()));
                            case ClientToolCalled c -> results.add(oc.sessions().submitToolResult(id, c.callId(),
                                    "refunded " + c.input().get("amount"), false));
                            case SessionIdle idle -> {
                                return;
                            }
                            default -> {
                            }
                        }
                    }
                }).get(60, TimeUnit.SECONDS);
            }
            assertThat(answers).singleElement().satisfies(a -> {
                assertThat(a.decision()).isEqualTo("allow");
                assertThat(a.by()).startsWith("api_key:");
            });
            assertThat(results).singleElement().satisfies(r -> assertThat(r.output()).isEqualTo("refunded 12"));
            PermissionRequested request = seen.stream().filter(PermissionRequested.class::isInstance)
                    .map(PermissionRequested.class::cast).findFirst().orElseThrow();
            assertThat(request.tool()).isEqualTo("bash");
            assertThat(request.input()).containsEntry("command", "echo checked");
            assertThatThrownBy(() -> oc.sessions().approve(id, request.requestId()))
                    .isInstanceOfSatisfying(ConflictException.class,
                            e -> assertThat(e.problem().type()).endsWith("already-answered"));
            assertThat(oc.sessions().get(id).pending().permissions()).isEmpty();
            assertThat(MODELS.requests().getLast().lastToolResult()).isEqualTo("refunded 12");
        }
    }
}
