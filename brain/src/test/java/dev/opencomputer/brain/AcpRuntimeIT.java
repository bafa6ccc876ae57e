package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RuntimeReady;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.testing.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code claude-agent-sdk} runtime for real: {@code claude-agent-acp} in a sandbox without a
 * network, the brain as its ACP client, its model calls through the gateway to the scripted model
 * server, which plays Claude Code's own tools ({@code Write}, {@code Bash}).
 */
class AcpRuntimeIT {

    static final String SCRIPT = """
            {"cursor": "per-conversation", "onExhausted": "echo", "turns": [
              {"text": "I will write the file.", "toolCalls": [{"name": "Write",
                "input": {"file_path": "/workspace/hello.txt", "content": "hello from claude\\n"}}]},
              {"text": "Now I run it.", "toolCalls": [{"name": "Bash",
                "input": {"command": "cat hello.txt && echo ran", "description": "show the file"}}]},
              {"text": "All done: the file says hello."}
            ]}""";

    private final Testbed bed = new Testbed(ModelScript.parse(SCRIPT));
    private final AcpGateway acpGateway = AcpGateway.on(bed, ModelServer::anthropicBaseUrl, Duration.ofSeconds(5));
    private final GatewayTokens tokens = acpGateway.tokens();
    private final GatewayUsage usage = acpGateway.usage();
    private final ModelGateway gateway = acpGateway.gateway();
    private final AcpRuntimes acp = acpGateway.acp();

    @AfterEach
    void close() {
        bed.close();
        gateway.close();
    }

    private SandboxSpec sandbox;

    AgentSetup claudeAgent() {
        return new AgentSetup(dev.opencomputer.session.AgentId.next(Instant.now()), 1, ModelProvider.ANTHROPIC,
                "claude-opus-4-8", null, "You triage inbound support tickets.", Testbed.CREDENTIAL,
                EnumSet.allOf(AgentTool.class), Duration.ofMinutes(10), 50, "claude-agent-sdk", false);
    }

    SessionId start(String input) {
        sandbox = SandboxSpec.of(dev.opencomputer.session.SandboxId.next(Instant.now()), bed.tenant)
                .withImage(TestEngine.acpImage());
        bed.sandboxes.create(sandbox);
        return bed.start(input, new SessionSetup(bed.tenant, claudeAgent(), sandbox, Map.of(), null, null));
    }

    @Test
    void theClaudeAgentWritesAFileAndRunsACommandAndTheLogTellsItLikeNative() {
        bed.worker(bed.properties().build(), acp);
        SessionId id = start("Write hello.txt, then show it.");
        bed.awaitIdle(id);

        List<String> types = bed.types(id);
        assertThat(types).containsSubsequence("session.started", "user.message", "run.started", "runtime.ready",
                "runtime.prompted", "tool.call", "file.write", "tool.result", "command.run", "command.exited",
                "agent.message", "session.idle");
        assertThat(types).contains("runtime.transcript");
        List<LoggedEvent> events = bed.events(id);
        RuntimeReady ready = (RuntimeReady) events.stream().filter(e -> e.event() instanceof RuntimeReady)
                .findFirst().orElseThrow().event();
        assertThat(ready.agentInfo()).containsEntry("name", "@zed-industries/claude-agent-acp");
        assertThat(ready.capabilities()).containsEntry("loadSession", true);
        FileWritten written = (FileWritten) events.stream().filter(e -> e.event() instanceof FileWritten)
                .findFirst().orElseThrow().event();
        assertThat(written.path()).isEqualTo("/workspace/hello.txt");
        CommandRun command = (CommandRun) events.stream().filter(e -> e.event() instanceof CommandRun)
                .findFirst().orElseThrow().event();
        assertThat(command.command()).isEqualTo("cat hello.txt && echo ran");
        CommandExited exited = (CommandExited) events.stream().filter(e -> e.event() instanceof CommandExited)
                .findFirst().orElseThrow().event();
        assertThat(exited.output()).contains("hello from claude", "ran");
        assertThat(bed.readFile(sandbox.id(), "hello.txt")).isEqualTo("hello from claude\n");
        AgentMessage message = (AgentMessage) events.stream().filter(e -> e.event() instanceof AgentMessage)
                .reduce((a, b) -> b).orElseThrow().event();
        assertThat(message.text()).contains("I will write the file.", "All done: the file says hello.");
        assertThat(message.usage().outputTokens()).isPositive();
        List<RecordedRequest> upstream = bed.models.requests();
        assertThat(upstream).isNotEmpty().allSatisfy(r -> {
            assertThat(r.apiKey()).isEqualTo(bed.modelKey);
            assertThat(r.model()).as("the agent's model, not Claude Code's default").isEqualTo("claude-opus-4-8");
        });
        assertThat(upstream.getLast().system()).contains("You triage inbound support tickets.",
                "<environment version=\"2\">");
        assertThat(bed.query("SELECT count(*) FROM gateway_tokens WHERE session_id = '" + id
                + "' AND revoked_at IS NULL")).isEqualTo("0");
    }

    @Test
    void theSessionsStdioMcpServerIsStartedByTheAgentInsideTheSandboxAndItsRemoteOneIsRefused() {
        TestEngine.mcpServersDir(); // fails clearly when not run through bin/test
        bed.models.play(ModelScript.parse("""
                {"cursor": "per-conversation", "onExhausted": "echo", "turns": [
                  {"text": "Writing through MCP.", "toolCalls": [{"name": "mcp__fs__write_file",
                    "input": {"path": "/workspace/mcp.txt", "content": "via mcp"}}]},
                  {"text": "Written."}
                ]}"""));
        bed.worker(bed.properties().build(), acp);
        sandbox = SandboxSpec.of(dev.opencomputer.session.SandboxId.next(Instant.now()), bed.tenant)
                .withImage(TestEngine.acpImage());
        bed.sandboxes.create(sandbox);
        SessionId id = bed.start("Write mcp.txt through MCP.", new SessionSetup(bed.tenant, claudeAgent(), sandbox,
                Map.of(), null, null, List.of(
                        new McpServer.Stdio("fs", "/opt/mcp/node_modules/.bin/mcp-server-filesystem",
                                List.of("/workspace"), Map.of()),
                        new McpServer.Http("tracker", java.net.URI.create("https://mcp.tracker.example/mcp"),
                                Map.of()))));
        bed.awaitIdle(id);

        assertThat(bed.readFile(sandbox.id(), "mcp.txt")).isEqualTo("via mcp");
        List<LoggedEvent> events = bed.events(id);
        assertThat(events).anySatisfy(e -> assertThat(e.event()).isInstanceOfSatisfying(
                dev.opencomputer.session.ToolCalled.class, c -> assertThat(c.name()).isEqualTo("mcp__fs__write_file")));
        assertThat(events).anySatisfy(e -> assertThat(e.event()).isInstanceOfSatisfying(
                dev.opencomputer.session.McpServerFailed.class, f -> assertThat(f.name()).isEqualTo("tracker")));
        assertThat(bed.models.requests().getFirst().toolNames()).contains("mcp__fs__write_file");
    }

    @Test
    void aSessionOverItsBudgetHasItsModelCallsRefusedByTheGatewayAndEndsExhausted() {
        bed.models.play(ModelScript.parse("""
                {"cursor": "per-conversation", "onExhausted": "echo", "turns": [
                  {"text": "I will write the file.", "usage": {"inputTokens": 2000, "outputTokens": 50},
                   "toolCalls": [{"name": "Write",
                    "input": {"file_path": "/workspace/first.txt", "content": "first\\n"}}]},
                  {"text": "Now the second.", "toolCalls": [{"name": "Bash",
                    "input": {"command": "echo second > /workspace/second.txt", "description": "second"}}]},
                  {"text": "Done."}
                ]}"""));
        bed.worker(bed.properties().build(), acp);
        sandbox = SandboxSpec.of(dev.opencomputer.session.SandboxId.next(Instant.now()), bed.tenant)
                .withImage(TestEngine.acpImage());
        bed.sandboxes.create(sandbox);
        AgentSetup agent = new AgentSetup(dev.opencomputer.session.AgentId.next(Instant.now()), 1,
                ModelProvider.ANTHROPIC, "claude-opus-4-8", null, "You are a test agent.", Testbed.CREDENTIAL,
                EnumSet.allOf(AgentTool.class), Duration.ofMinutes(10), 50, PermissionPolicy.ALLOW_ALL, List.of(),
                new dev.opencomputer.session.BudgetLimits(1000L, null, null), "claude-agent-sdk", false);
        SessionId id = bed.start("Write two files.", new SessionSetup(bed.tenant, agent, sandbox, Map.of(), null,
                null));
        bed.await(() -> bed.status(id) == dev.opencomputer.session.SessionStatus.EXHAUSTED, "the session to be exhausted");

        List<LoggedEvent> events = bed.events(id);
        dev.opencomputer.session.BudgetExhausted exhausted = (dev.opencomputer.session.BudgetExhausted) events.stream()
                .filter(e -> e.event() instanceof dev.opencomputer.session.BudgetExhausted).findFirst().orElseThrow()
                .event();
        assertThat(exhausted.kind()).isEqualTo("tokens");
        // the gateway's count of the first call (2,050 tokens) is what crossed the budget
        assertThat(exhausted.used().longValue()).as("the gateway's count is the spend").isGreaterThanOrEqualTo(2050);
        // the run ends either when the cancelled turn ends (its agent.message carries the usage) or, a moment
        // earlier, when the run's own budget check sees the counted spend: both end exhausted, not failed
        events.stream().filter(e -> e.event() instanceof AgentMessage).reduce((a, b) -> b)
                .ifPresent(m -> assertThat(dev.opencomputer.session.Spend.tokens(((AgentMessage) m.event()).usage()))
                        .isGreaterThanOrEqualTo(2050));
        assertThat(bed.types(id)).containsSubsequence("runtime.prompted", "budget.exhausted")
                .doesNotContain("session.failed", "session.idle");
        assertThat(bed.sh(sandbox.id(), "test -e /workspace/second.txt && echo yes || echo no").strip())
                .as("no model call was made past the budget").isEqualTo("no");
        assertThat(bed.models.requests().stream().filter(r -> r.body().contains("Now the second."))).isEmpty();
        assertThat(bed.query("SELECT count(*) FROM gateway_tokens WHERE session_id = '" + id
                + "' AND revoked_at IS NULL")).isEqualTo("0");
    }

    @Test
    void theLiveConfigsPlanModeIsTheAgentsOwnPlanModeUntilTheSessionGoesBackToAuto() {
        bed.models.play(ModelScript.parse("""
                {"cursor": "global", "onExhausted": "echo", "turns": [
                  {"text": "Planning.", "toolCalls": [{"name": "ExitPlanMode", "input": {"plan": "1. write plan.txt"}}]},
                  {"text": "Here is my plan: write plan.txt."},
                  {"text": "Writing it.", "toolCalls": [{"name": "Write",
                    "input": {"file_path": "/workspace/plan.txt", "content": "planned\\n"}}]},
                  {"text": "Done."}
                ]}"""));
        sandbox = SandboxSpec.of(dev.opencomputer.session.SandboxId.next(Instant.now()), bed.tenant)
                .withImage(TestEngine.acpImage());
        bed.sandboxes.create(sandbox);
        SessionId id = bed.start("Plan the plan file.", new SessionSetup(bed.tenant, claudeAgent(), sandbox, Map.of(),
                null, null));
        bed.eventLog.append(id, List.of(new dev.opencomputer.session.SessionConfigChanged(null, "plan", null)));
        bed.worker(bed.properties().build(), acp);
        bed.awaitIdle(id);

        assertThat(setMode(id, "plan")).as("session/set_mode plan").isTrue();
        assertThat(bed.models.requests().stream().anyMatch(r -> r.body().contains("rejected request to exit plan mode")))
                .as("the agent may not leave plan mode on its own").isTrue();
        assertThat(bed.sh(sandbox.id(), "test -e /workspace/plan.txt && echo yes || echo no").strip()).isEqualTo("no");

        long before = bed.events(id).getLast().seq();
        bed.eventLog.append(id, List.of(new dev.opencomputer.session.SessionConfigChanged(null, "auto", null),
                new dev.opencomputer.session.UserMessage("Go ahead.")));
        bed.awaitEvent(id, e -> e.seq() > before && e.event() instanceof AgentMessage m && m.text().contains("Done."),
                "the second turn's answer");
        bed.awaitIdle(id);
        List<RuntimeReady> readies = bed.events(id).stream().filter(e -> e.event() instanceof RuntimeReady)
                .map(e -> (RuntimeReady) e.event()).toList();
        assertThat(setMode(id, "default") || "default".equals(readies.getLast().modes().get("currentModeId")))
                .as("back in the agent's own first mode (a loaded session opens in it)").isTrue();
        assertThat(bed.readFile(sandbox.id(), "plan.txt")).isEqualTo("planned\n");
    }

    /** Whether the agent was sent {@code session/set_mode} to {@code modeId} (in the stored transcript). */
    private boolean setMode(SessionId id, String modeId) {
        return bed.events(id).stream().filter(e -> e.event() instanceof dev.opencomputer.session.RuntimeTranscript)
                .flatMap(e -> ((dev.opencomputer.session.RuntimeTranscript) e.event()).lines().stream())
                .map(String::valueOf)
                .anyMatch(line -> line.contains("session/set_mode") && line.contains("modeId=" + modeId));
    }
}
