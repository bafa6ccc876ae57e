package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.BudgetLimits;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PermissionAnswered;
import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.testing.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real Claude agent's {@code session/request_permission} goes through the session's permission
 * policy: {@code Write} is allowed at once, {@code Bash} waits for a person (the session is
 * {@code waiting}, the agent's process kept), and the answer — appended as the API appends it — is
 * what the agent gets: allowed, the command runs; denied, it does not, and the model is told.
 */
class AcpPermissionIT {

    static final String SCRIPT = """
            {"cursor": "per-conversation", "onExhausted": "echo", "turns": [
              {"text": "I will write the file.", "toolCalls": [{"name": "Write",
                "input": {"file_path": "/workspace/note.txt", "content": "noted\\n"}}]},
              {"text": "Now I record the approval.", "toolCalls": [{"name": "Bash",
                "input": {"command": "echo approved > /workspace/approved.txt", "description": "record it"}}]},
              {"text": "Finished."}
            ]}""";

    private final Testbed bed = new Testbed(ModelScript.parse(SCRIPT));
    private final AcpGateway acpGateway = AcpGateway.on(bed, ModelServer::anthropicBaseUrl, Duration.ofSeconds(5));
    private final GatewayTokens tokens = acpGateway.tokens();
    private final ModelGateway gateway = acpGateway.gateway();
    private final AcpRuntimes acp = acpGateway.acp();
    private SandboxSpec sandbox;

    @AfterEach
    void close() {
        bed.close();
        gateway.close();
    }

    private SessionId start(String input) {
        sandbox = SandboxSpec.of(SandboxId.next(Instant.now()), bed.tenant).withImage(TestEngine.acpImage());
        bed.sandboxes.create(sandbox);
        PermissionPolicy policy = PermissionPolicy.of(PermissionPolicy.Rule.ALLOW,
                Map.of("Bash", PermissionPolicy.Rule.ASK), null);
        AgentSetup agent = new AgentSetup(AgentId.next(Instant.now()), 1, ModelProvider.ANTHROPIC, "claude-opus-4-8",
                null, "You are a test agent.", Testbed.CREDENTIAL, EnumSet.allOf(AgentTool.class),
                Duration.ofMinutes(10), 50, policy, List.of(), BudgetLimits.NONE, "claude-agent-sdk", false);
        return bed.start(input, new SessionSetup(bed.tenant, agent, sandbox, Map.of(), null, null));
    }

    private PermissionRequested awaitRequest(SessionId id) {
        LoggedEvent logged = bed.awaitEvent(id, PermissionRequested.TYPE);
        bed.await(() -> bed.status(id) == SessionStatus.WAITING, "the session to wait");
        return (PermissionRequested) logged.event();
    }

    @Test
    void anAskedToolWaitsForThePersonsYesWithTheAgentKeptAndThenRuns() {
        bed.worker(bed.properties().noProgressTimeout(Duration.ofSeconds(8)).build(), acp);
        SessionId id = start("Write note.txt, then record the approval.");

        PermissionRequested request = awaitRequest(id);
        assertThat(request.tool()).isEqualTo("Bash");
        assertThat(request.input()).containsEntry("command", "echo approved > /workspace/approved.txt");
        assertThat(bed.readFile(sandbox.id(), "note.txt")).as("Write was allowed at once").isEqualTo("noted\n");
        int upstream = bed.models.requests().size();
        long asked = System.nanoTime();
        bed.await(() -> System.nanoTime() - asked > Duration.ofSeconds(10).toNanos(),
                "longer than the no-progress timeout: waiting for a person is not a stuck run");
        assertThat(bed.query("SELECT count(*) FROM gateway_tokens WHERE session_id = '" + id
                + "' AND revoked_at IS NULL")).as("the agent's token is live: its process runs").isEqualTo("1");
        assertThat(bed.types(id)).doesNotContain("run.stuck");
        assertThat(bed.sh(sandbox.id(), "test -e /workspace/approved.txt && echo yes || echo no").strip())
                .isEqualTo("no");
        assertThat(bed.leaseOwner(id)).as("the run keeps its lease and the agent its process").isNotNull();

        bed.eventLog.append(id, List.of(new PermissionAnswered(request.requestId(), "allow", null, "api_key:it")));
        bed.awaitIdle(id);

        assertThat(bed.readFile(sandbox.id(), "approved.txt")).isEqualTo("approved\n");
        List<String> types = bed.types(id);
        assertThat(types).containsSubsequence("runtime.ready", "permission.requested", "permission.answered",
                "run.started", "command.exited", "agent.message", "session.idle");
        assertThat(types.stream().filter("runtime.ready"::equals)).as("one agent process throughout").hasSize(1);
        assertThat(types.stream().filter("permission.requested"::equals)).hasSize(1);
        CommandExited exited = (CommandExited) bed.events(id).stream().filter(e -> e.event() instanceof CommandExited)
                .findFirst().orElseThrow().event();
        assertThat(exited.exitCode()).isZero();
        assertThat(bed.models.requests().size()).isGreaterThan(upstream);
        String last = bed.models.requests().getLast().body();
        assertThat(last.contains("refused permission")).as("the model was not told of a refusal").isFalse();
        assertThat(last.contains("\"is_error\":false")).as("the command's result reached the model").isTrue();
    }

    @Test
    void aDeniedToolDoesNotRunAndTheAgentIsToldSo() {
        bed.worker(bed.properties().build(), acp);
        SessionId id = start("Write note.txt, then record the approval.");

        PermissionRequested request = awaitRequest(id);
        bed.eventLog.append(id, List.of(new PermissionAnswered(request.requestId(), "deny", "not today",
                "api_key:it")));
        bed.awaitIdle(id);

        assertThat(bed.sh(sandbox.id(), "test -e /workspace/approved.txt && echo yes || echo no").strip())
                .isEqualTo("no");
        List<String> types = bed.types(id);
        assertThat(types).containsSubsequence("permission.requested", "permission.answered", "run.started",
                "command.exited", "agent.message", "session.idle");
        CommandExited exited = (CommandExited) bed.events(id).stream().filter(e -> e.event() instanceof CommandExited)
                .findFirst().orElseThrow().event();
        assertThat(exited.exitCode()).as("the agent reports the refused call as failed").isNotZero();
        assertThat(bed.models.requests().stream().anyMatch(r -> r.body().contains("refused permission")))
                .as("the model was told of the refusal").isTrue();
    }
}
