package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RuntimeReady;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code codex} runtime for real: {@code codex-acp} (its native binary, from npm) in a sandbox
 * without a network, the brain as its ACP client, its model calls — the OpenAI Responses API, streamed —
 * through the gateway to the scripted model server, which plays codex's own tools: {@code apply_patch}
 * (a freeform tool, so a {@code custom_tool_call}) and {@code exec_command}.
 */
class CodexRuntimeIT {

    static final String SCRIPT = """
            {"cursor": "per-conversation", "onExhausted": "echo", "turns": [
              {"text": "I will write the file.", "toolCalls": [{"name": "apply_patch",
                "input": {"input": "*** Begin Patch\\n*** Add File: hello.txt\\n+hello from codex\\n*** End Patch\\n"}}]},
              {"text": "Now I run it.", "toolCalls": [{"name": "exec_command",
                "input": {"cmd": "cat hello.txt && echo ran"}}]},
              {"text": "All done: the file says hello."}
            ]}""";
    static final String MODEL = "gpt-5.4";

    private final Testbed bed = new Testbed(ModelScript.parse(SCRIPT));
    private final AcpGateway acpGateway = AcpGateway.on(bed, ModelServer::openAiBaseUrl, Duration.ofSeconds(5));
    private final GatewayTokens tokens = acpGateway.tokens();
    private final ModelGateway gateway = acpGateway.gateway();
    private final AcpRuntimes acp = acpGateway.acp();
    private SandboxSpec sandbox;

    @AfterEach
    void close() {
        bed.close();
        gateway.close();
    }

    private AgentSetup codexAgent() {
        return new AgentSetup(AgentId.next(Instant.now()), 1, ModelProvider.OPENAI, MODEL, null,
                "You triage inbound support tickets.", Testbed.CREDENTIAL, EnumSet.allOf(AgentTool.class),
                Duration.ofMinutes(10), 50, "codex", false);
    }

    private SessionId start(String input) {
        sandbox = SandboxSpec.of(SandboxId.next(Instant.now()), bed.tenant).withImage(TestEngine.codexImage());
        bed.sandboxes.create(sandbox);
        return bed.start(input, new SessionSetup(bed.tenant, codexAgent(), sandbox, Map.of(), null, null));
    }

    private static <T> T first(List<LoggedEvent> events, Class<T> type) {
        return events.stream().map(LoggedEvent::event).filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in the log"));
    }

    @Test
    void codexWritesAFileAndRunsACommandThroughTheGatewayAndTheLogTellsItLikeNative() {
        bed.worker(bed.properties().build(), acp);
        SessionId id = start("Write hello.txt, then show it.");
        bed.awaitIdle(id);

        assertThat(bed.types(id)).containsSubsequence("session.started", "user.message", "run.started",
                "runtime.ready", "runtime.prompted", "tool.call", "file.write", "tool.result", "command.run",
                "command.exited", "agent.message", "session.idle");
        List<LoggedEvent> events = bed.events(id);
        RuntimeReady ready = first(events, RuntimeReady.class);
        assertThat(ready.agentInfo()).containsEntry("name", "codex-acp");
        assertThat(ready.capabilities()).containsEntry("loadSession", true);
        assertThat(first(events, ToolCalled.class).name()).as("codex names no tools: the ACP kind").isEqualTo("edit");
        assertThat(first(events, FileWritten.class).path()).isEqualTo("/workspace/hello.txt");
        assertThat(first(events, CommandRun.class).command()).isEqualTo("cat hello.txt && echo ran");
        CommandExited exited = first(events, CommandExited.class);
        assertThat(exited.exitCode()).isZero();
        assertThat(exited.output()).isEqualTo("hello from codex\nran\n");
        assertThat(bed.readFile(sandbox.id(), "hello.txt")).isEqualTo("hello from codex\n");
        AgentMessage message = events.stream().map(LoggedEvent::event).filter(AgentMessage.class::isInstance)
                .map(AgentMessage.class::cast).reduce((a, b) -> b).orElseThrow();
        assertThat(message.text()).contains("I will write the file.", "Now I run it.", "All done: the file says hello.");
        assertThat(message.usage().outputTokens()).isPositive();

        List<RecordedRequest> upstream = bed.models.requests();
        assertThat(upstream).hasSize(3).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/v1/responses");
            assertThat(r.stream()).isTrue();
            assertThat(r.model()).isEqualTo(MODEL);
            assertThat(r.apiKey()).as("the gateway put the tenant's key in place of the token").isEqualTo(bed.modelKey);
        });
        assertThat(upstream.getFirst().toolNames()).contains("apply_patch", "exec_command");
        assertThat(upstream.getFirst().system()).as("the system prompt, as codex's developer instructions")
                .contains("You triage inbound support tickets.", "<environment version=\"2\">");
        assertThat(upstream.getLast().toolResults()).hasSize(2);
        assertThat(upstream.getLast().lastToolResult()).contains("hello from codex", "ran");

        // codex got the gateway's address and a session token, never the key: not in its files either
        String config = bed.readFile(sandbox.id(), ".opencomputer/agents/" + id.value() + "/.codex/config.toml");
        assertThat(config).contains("base_url = \"http://127.0.0.1:4480/v1\"", "env_key = \"OPENAI_API_KEY\"",
                "model = \"" + MODEL + "\"").doesNotContain(bed.modelKey);
        assertThat(bed.sh(sandbox.id(), "grep -rlF '" + bed.modelKey + "' /workspace /tmp 2>/dev/null | wc -l").strip())
                .isEqualTo("0");
        assertThat(bed.query("SELECT count(*) FROM gateway_tokens WHERE session_id = '" + id
                + "' AND revoked_at IS NULL")).isEqualTo("0");
    }

    @Test
    void codexAsksBeforeItEditsAndAnEditThePolicyDeniesIsNotMade() {
        bed.worker(bed.properties().build(), acp);
        sandbox = SandboxSpec.of(SandboxId.next(Instant.now()), bed.tenant).withImage(TestEngine.codexImage());
        bed.sandboxes.create(sandbox);
        AgentSetup agent = new AgentSetup(AgentId.next(Instant.now()), 1, ModelProvider.OPENAI, MODEL, null,
                "You are a test agent.", Testbed.CREDENTIAL, EnumSet.allOf(AgentTool.class), Duration.ofMinutes(10),
                50, PermissionPolicy.of(PermissionPolicy.Rule.ALLOW, Map.of("edit", PermissionPolicy.Rule.DENY), null),
                List.of(), dev.opencomputer.session.BudgetLimits.NONE, "codex", false);
        SessionId id = bed.start("Write hello.txt, then show it.", new SessionSetup(bed.tenant, agent, sandbox,
                Map.of(), null, null));
        bed.awaitIdle(id);

        List<LoggedEvent> events = bed.events(id);
        assertThat(first(events, ToolCalled.class).name()).isEqualTo("edit");
        assertThat(events.stream().map(LoggedEvent::event).filter(dev.opencomputer.session.RuntimeTranscript.class::isInstance)
                .flatMap(e -> ((dev.opencomputer.session.RuntimeTranscript) e).lines().stream()).map(String::valueOf)
                .anyMatch(line -> line.contains("session/request_permission")))
                .as("codex asked").isTrue();
        dev.opencomputer.session.ToolResult result = first(events, dev.opencomputer.session.ToolResult.class);
        assertThat(result.error()).as("the edit was refused").isTrue();
        assertThat(result.output()).contains("cancelled");
        AgentMessage message = first(events, AgentMessage.class);
        assertThat(message.stopReason()).as("codex's patch approval offers only abort: its turn ends")
                .isEqualTo("cancelled");
        assertThat(bed.sh(sandbox.id(), "test -e /workspace/hello.txt && echo yes || echo no").strip()).isEqualTo("no");
        assertThat(bed.types(id)).contains("agent.message").doesNotContain("file.write", "session.failed");
    }

    @Test
    void aFollowUpRestartsCodexWhichLoadsItsOwnSessionFromTheWorkspace() {
        bed.worker(bed.properties().build(), acp);
        SessionId id = start("Write hello.txt, then show it.");
        bed.awaitIdle(id);
        long before = bed.events(id).getLast().seq();

        bed.eventLog.append(id, new UserMessage("What did you do?"));
        bed.awaitEvent(id, e -> e.seq() > before && e.event() instanceof AgentMessage, "the follow-up's answer");
        bed.awaitIdle(id);

        List<RuntimeReady> readies = bed.events(id).stream().map(LoggedEvent::event)
                .filter(RuntimeReady.class::isInstance).map(RuntimeReady.class::cast).toList();
        assertThat(readies).hasSize(2);
        assertThat(readies.getLast().resumed()).as("session/load").isTrue();
        assertThat(readies.getLast().agentSessionId()).isEqualTo(readies.getFirst().agentSessionId());
        RecordedRequest last = bed.models.requests().getLast();
        assertThat(last.lastUserText()).contains("What did you do?");
        assertThat(last.assistantTexts()).as("codex's own history, not a primed transcript")
                .contains("All done: the file says hello.");
        assertThat(last.userTexts()).noneMatch(text -> text.contains("You were restarted"));
    }
}
