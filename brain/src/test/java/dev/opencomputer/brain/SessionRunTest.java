package dev.opencomputer.brain;

import dev.opencomputer.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.ToolCallFinished;
import dev.opencomputer.session.McpServerFailed;
import dev.opencomputer.session.SessionConfigChanged;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The run's decisions, on fakes of its ports with a fixed clock: resume after a crash, cancel in the
 * middle of a call, the watchdog's limits, and open calls answered exactly once.
 */
class SessionRunTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration NO_PROGRESS = Duration.ofMinutes(70);

    private final TestClock clock = new TestClock(START);
    private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
    private final RunFakes.Log log = new RunFakes.Log(clock);
    private final RunFakes.Sandbox sandbox = new RunFakes.Sandbox();
    private final RunFakes.Models models = new RunFakes.Models();
    private final RunFakes.Leases leases = new RunFakes.Leases();
    private final TenantId tenant = TenantId.next(START);
    private final SessionId session = SessionId.next(START);
    private final SandboxId sandboxId = SandboxId.next(START);
    private final CompletableFuture<SessionRun.Ending> ending = new CompletableFuture<>();

    private SessionSetup setup(Duration maxRunTime, int maxSteps) {
        AgentSetup agent = new AgentSetup(AgentId.next(START), 1, ModelProvider.ANTHROPIC, "test-model", null,
                "You are a test agent.", SecretName.parse("MODEL_KEY"), EnumSet.allOf(AgentTool.class), maxRunTime,
                maxSteps);
        return new SessionSetup(tenant, agent, SandboxSpec.of(sandboxId, tenant), Map.of(), null, null);
    }

    private SessionSetup askingBash() {
        AgentSetup agent = new AgentSetup(AgentId.next(START), 1, ModelProvider.ANTHROPIC, "test-model", null,
                "You are a test agent.", SecretName.parse("MODEL_KEY"), EnumSet.allOf(AgentTool.class),
                Duration.ofMinutes(10), 50, PermissionPolicy.of(PermissionPolicy.Rule.ALLOW,
                        Map.of("bash", PermissionPolicy.Rule.ASK), null), List.of());
        return new SessionSetup(tenant, agent, SandboxSpec.of(sandboxId, tenant), Map.of(), null, null);
    }

    private SessionRun run(SessionSetup setup, SessionStatus status, long token) {
        log.token = token;
        RunContext context = new RunContext("worker-1", BrainProperties.builder().noProgressTimeout(NO_PROGRESS)
                .build(), leases, log, id -> Optional.of(setup), sandbox, new RunFakes.Secrets(), models, clock,
                ticker::get, new Random(7), NativeRuntime::new, BrainTools.NONE);
        Lease lease = new Lease(session, token, status, log.events.size());
        return new SessionRun(context, lease, ticker.get(), (run, how) -> ending.complete(how));
    }

    private SessionRun.Ending runToEnd(SessionRun run) throws Exception {
        Thread.ofVirtual().start(run);
        return ending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Starts {@code run} on its own thread and waits until it reached {@code point}. */
    private SessionRun startedInBackground(SessionRun run, String point, java.util.function.BooleanSupplier reached) {
        Thread.ofVirtual().start(run);
        Await.until(WAIT, point, reached);
        return run;
    }

    private void started(String input) {
        log.append(session, List.of(new SessionStarted(setup(Duration.ofMinutes(10), 50).agent().id(), 1,
                "test-model", sandboxId, Map.of()), new UserMessage(input)));
    }

    private static ModelResponse bash(String... commands) {
        List<ToolCall> calls = new java.util.ArrayList<>();
        for (int i = 0; i < commands.length; i++) {
            calls.add(new ToolCall("t" + (i + 1), "bash", "{\"command\":\"" + commands[i] + "\"}"));
        }
        return new ModelResponse("msg", "test-model", "", calls, List.of(), StopReason.TOOL_USE, TokenUsage.NONE);
    }

    private static ModelResponse done(String text) {
        return new ModelResponse("msg", "test-model", text, List.of(), List.of(), StopReason.END_TURN,
                TokenUsage.NONE);
    }

    private static AgentMessage toolUses(String... commands) {
        List<ContentBlock> uses = new java.util.ArrayList<>();
        for (int i = 0; i < commands.length; i++) {
            uses.add(new ContentBlock.ToolUse("t" + (i + 1), "bash", Map.of("command", commands[i])));
        }
        return new AgentMessage("msg", "test-model", uses, "tool_use", dev.opencomputer.session.TokenUsage.NONE);
    }

    /** The results the log holds for each call id, in order. */
    private List<String> resultsOf(String callId) {
        return log.events.stream().map(LoggedEvent::event)
                .filter(e -> e instanceof ToolCallFinished end && end.callId().equals(callId))
                .map(e -> ((ToolCallFinished) e).output()).toList();
    }

    @Test
    void anMcpServerThatCannotStartIsReportedItsToolsAreNotOfferedAndACallOfThemIsNotMade() throws Exception {
        started("use the tracker");
        SessionSetup plain = setup(Duration.ofMinutes(10), 50);
        SessionSetup setup = new SessionSetup(tenant, plain.agent(), plain.sandbox(), Map.of(), null, null,
                List.of(new McpServer.Stdio("tracker", "tracker-server", List.of(), Map.of())));
        models.thenRespond(new ModelResponse("msg", "test-model", "", List.of(new ToolCall("t1",
                "mcp__tracker__list_issues", "{}")), List.of(), StopReason.TOOL_USE, TokenUsage.NONE));
        models.thenRespond(done("no tracker then"));

        assertThat(runToEnd(run(setup, SessionStatus.PENDING, 1))).isEqualTo(SessionRun.Ending.FINISHED);

        List<SessionEvent> events = log.after(2);
        assertThat(events.get(1)).isInstanceOf(McpServerFailed.class);
        assertThat(((McpServerFailed) events.get(1)).reason()).contains("cannot attach");
        assertThat(events).filteredOn(ToolResult.class::isInstance).singleElement()
                .satisfies(result -> assertThat(((ToolResult) result).output())
                        .contains("the MCP server tracker is not available"));
        assertThat(models.requests.getFirst().tools()).noneMatch(tool -> tool.name().startsWith("mcp__"));
    }

    @Test
    void inPlanModeAnMcpToolIsNeitherOfferedNorCalled() throws Exception {
        started("plan only");
        log.append(session, List.of(new SessionConfigChanged(null, "plan", null)));
        SessionSetup plain = setup(Duration.ofMinutes(10), 50);
        SessionSetup setup = new SessionSetup(tenant, plain.agent(), plain.sandbox(), Map.of(), null, null,
                List.of(new McpServer.Stdio("tracker", "tracker-server", List.of(), Map.of())));
        models.thenRespond(new ModelResponse("msg", "test-model", "", List.of(new ToolCall("t1",
                "mcp__tracker__close_issue", "{}")), List.of(), StopReason.TOOL_USE, TokenUsage.NONE));
        models.thenRespond(done("a plan"));

        assertThat(runToEnd(run(setup, SessionStatus.PENDING, 1))).isEqualTo(SessionRun.Ending.FINISHED);

        assertThat(log.after(3)).filteredOn(ToolResult.class::isInstance).singleElement()
                .isEqualTo(new ToolResult("t1", "mcp__tracker__close_issue", "MCP tools are not available in plan mode",
                        true));
        assertThat(log.after(3)).noneMatch(ToolCalled.class::isInstance);
    }

    @Test
    void resumesAfterACrashWithoutRerunningWhatFinished() throws Exception {
        started("run two commands");
        log.append(session, List.of(new RunStarted(), toolUses("echo one", "echo two"),
                new CommandRun("t1", "echo one", null), new CommandExited("t1", 0, "one", false, 5),
                new CommandRun("t2", "echo two", null)));
        long crashedAt = log.events.size();
        models.thenRespond(done("both ran"));

        assertThat(runToEnd(run(setup(Duration.ofMinutes(10), 50), SessionStatus.RUNNING, 3)))
                .isEqualTo(SessionRun.Ending.FINISHED);

        List<SessionEvent> after = log.after(crashedAt);
        assertThat(after.getFirst()).isEqualTo(new RuntimeRestarted(crashedAt));
        assertThat(after.get(1)).isEqualTo(new ToolResult("t2", "bash", OpenCalls.INTERRUPTED, true));
        assertThat(after.get(2)).isInstanceOf(AgentMessage.class);
        assertThat(after.get(3)).isEqualTo(new SessionIdle());
        assertThat(after).hasSize(4);
        // neither command ran again; what was left of the interrupted one was killed
        assertThat(sandbox.toolCommands()).isEmpty();
        assertThat(sandbox.leftoversKilled()).containsExactly("OC_TOOL_CALL=t2");
        // the one model call sent both stored results and did not ask for the stored response again
        assertThat(models.requests).hasSize(1);
        assertThat(models.requests.getFirst().conversation()).contains(new Turn.ToolResult("t1", "one", false),
                new Turn.ToolResult("t2", OpenCalls.INTERRUPTED, true));
        assertThat(leases.released).hasSize(1);
    }

    @Test
    void aCancelDuringAModelCallAbandonsItAndStoresNothingOfIt() throws Exception {
        started("think long");
        models.thenHang();
        startedInBackground(run(setup(Duration.ofMinutes(10), 50), SessionStatus.PENDING, 1), "the model call",
                () -> models.requests.size() == 1);

        log.append(session, List.of(new RunCancelled("cancelled by the user")));

        assertThat(ending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(SessionRun.Ending.FINISHED);
        assertThat(models.cancelled).hasSize(1);
        assertThat(log.types()).containsExactly("session.started", "user.message", "run.started", "run.cancelled");
        assertThat(leases.released).hasSize(1);
    }

    @Test
    void aCancelDuringACommandKillsItAndAnswersEveryOpenCallOnce() throws Exception {
        started("two commands");
        models.thenRespond(bash("sleep 600", "echo two"));
        sandbox.hang("sleep 600");
        startedInBackground(run(setup(Duration.ofMinutes(10), 50), SessionStatus.PENDING, 1), "the command",
                () -> sandbox.toolCommands().contains("sleep 600"));

        log.append(session, List.of(new RunCancelled("cancelled by the user")));

        assertThat(ending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(SessionRun.Ending.FINISHED);
        assertThat(sandbox.killed).containsExactly("sleep 600");
        assertThat(resultsOf("t1")).containsExactly(OpenCalls.CANCELLED);
        assertThat(resultsOf("t2")).containsExactly(OpenCalls.CANCELLED);
        assertThat(sandbox.toolCommands()).containsExactly("sleep 600");
        assertThat(models.requests).hasSize(1);
        assertThat(log.types()).endsWith("run.cancelled", "tool.result", "tool.result");
    }

    @Test
    void theWatchdogEndsARunAtTheAgentsStepLimit() throws Exception {
        started("one step only");
        models.thenRespond(bash("echo one"));

        assertThat(runToEnd(run(setup(Duration.ofMinutes(10), 1), SessionStatus.PENDING, 1)))
                .isEqualTo(SessionRun.Ending.FINISHED);

        assertThat(models.requests).hasSize(1);
        assertThat(sandbox.toolCommands()).containsExactly("echo one");
        assertThat(log.events.getLast().event()).isEqualTo(new RunStuck("max_steps",
                "the run made 1 model calls, the agent's limit; send a message to go on"));
    }

    @Test
    void theWatchdogEndsARunOverTheAgentsRunTimeBeforeTheNextModelCall() throws Exception {
        started("take long");
        models.then(request -> {
            clock.advance(Duration.ofMinutes(11));
            return RunFakes.Models.answering(bash("echo one"));
        });

        assertThat(runToEnd(run(setup(Duration.ofMinutes(10), 50), SessionStatus.PENDING, 1)))
                .isEqualTo(SessionRun.Ending.FINISHED);

        assertThat(models.requests).hasSize(1);
        assertThat(log.events.getLast().event()).isEqualTo(new RunStuck("max_duration",
                "the run took 660 s, longer than the agent's limit of 600 s; send a message to go on"));
    }

    @Test
    void theWatchdogStopsAWaitingRunWithoutProgressAndAnswersEachOpenCallOnce() throws Exception {
        started("hang");
        models.thenRespond(bash("sleep 600", "echo two"));
        sandbox.hang("sleep 600");
        SessionRun run = startedInBackground(run(setup(Duration.ofHours(5), 50), SessionStatus.PENDING, 1),
                "the command", () -> sandbox.toolCommands().contains("sleep 600"));

        run.watch();
        assertThat(ending.isDone()).as("still within the no-progress timeout").isFalse();
        ticker.addAndGet(NO_PROGRESS.plusSeconds(1).toNanos());
        run.watch();
        run.watch();

        assertThat(ending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(SessionRun.Ending.FINISHED);
        assertThat(sandbox.killed).containsExactly("sleep 600");
        String stopped = "not finished: the run was stopped (no_progress)";
        assertThat(resultsOf("t1")).containsExactly(stopped);
        assertThat(resultsOf("t2")).containsExactly(stopped);
        assertThat(sandbox.leftoversKilled()).containsExactly("OC_TOOL_CALL=t1");
        assertThat(log.events.getLast().event()).isInstanceOfSatisfying(RunStuck.class,
                stuck -> assertThat(stuck.reason()).isEqualTo("no_progress"));
        assertThat(log.types().stream().filter("run.stuck"::equals)).hasSize(1);
        assertThat(models.requests).hasSize(1);
    }

    @Test
    void aRunWhoseLeaseWasTakenStoresNothingMore() throws Exception {
        started("hello");
        models.thenRespond(done("hi"));
        SessionRun run = run(setup(Duration.ofMinutes(10), 50), SessionStatus.PENDING, 1);
        log.token = 2;

        assertThat(runToEnd(run)).isEqualTo(SessionRun.Ending.LOST);
        assertThat(log.types()).containsExactly("session.started", "user.message");
        assertThat(models.requests).isEmpty();
    }

    @Test
    void aCallThatNeedsApprovalEndsTheRunWaitingAndTheNextRunRunsItOnceAfterTheAllow() throws Exception {
        started("count");
        models.thenRespond(bash("echo counted"));
        SessionSetup setup = askingBash();

        assertThat(runToEnd(run(setup, SessionStatus.PENDING, 1))).isEqualTo(SessionRun.Ending.FINISHED);
        assertThat(log.types()).endsWith("agent.message", "permission.requested");
        assertThat(sandbox.toolCommands()).as("nothing runs before the answer").isEmpty();
        assertThat(leases.released).hasSize(1);
        var request = (dev.opencomputer.session.PermissionRequested) log.events.getLast().event();
        assertThat(request.callId()).isEqualTo("t1");

        log.append(session, List.of(new dev.opencomputer.session.PermissionAnswered(request.requestId(), "allow", null,
                "client_token")));
        models.thenRespond(done("counted once"));
        CompletableFuture<SessionRun.Ending> second = new CompletableFuture<>();
        RunContext context = new RunContext("worker-2", BrainProperties.builder().noProgressTimeout(NO_PROGRESS)
                .build(), leases, log, id -> Optional.of(setup), sandbox, new RunFakes.Secrets(), models, clock,
                ticker::get, new Random(7), NativeRuntime::new, BrainTools.NONE);
        log.token = 2;
        Thread.ofVirtual().start(new SessionRun(context, new Lease(session, 2, SessionStatus.PENDING, log.events.size()),
                ticker.get(), (run, how) -> second.complete(how)));

        assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(SessionRun.Ending.FINISHED);
        assertThat(sandbox.toolCommands()).containsExactly("echo counted");
        assertThat(log.types()).endsWith("permission.answered", "run.started", "command.run", "command.exited",
                "agent.message", "session.idle");
        assertThat(log.types().stream().filter("permission.requested"::equals)).hasSize(1);
    }
}
