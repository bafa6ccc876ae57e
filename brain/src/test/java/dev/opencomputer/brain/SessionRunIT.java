package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedError;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SandboxDiskExceeded;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.session.UserMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sessions run end to end by a worker: real PostgreSQL, real container engine, real SDKs against the model server. */
class SessionRunIT {

    private static Testbed bed;

    @BeforeAll
    static void startWorker() {
        bed = new Testbed(ModelScript.of());
        bed.worker(bed.properties().build());
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @BeforeEach
    void forgetRequests() {
        bed.models.clearRequests();
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void aMultiStepSessionWritesAFileRunsACommandAndGoesIdle(ModelProvider provider) {
        bed.models.play(ModelScript.of(
                ScriptedTurn.text("I'll write a script.").withToolCall("write_file",
                        "{\"path\":\"hello.sh\",\"content\":\"echo hello from $1 > out.txt\\n\"}"),
                ScriptedTurn.text("Running it.").withToolCall("bash",
                        "{\"command\":\"sh hello.sh sandbox && cat out.txt\"}"),
                ScriptedTurn.text("Tidying up.")
                        .withToolCall("edit_file", "{\"path\":\"hello.sh\",\"old_text\":\"hello\",\"new_text\":\"goodbye\"}")
                        .withToolCall("read_file", "{\"path\":\"out.txt\"}")
                        .withToolCall("list_files", "{}"),
                ScriptedTurn.text("Done: {{lastToolResult}}")).onExhausted(ModelScript.Exhaustion.ERROR));
        SessionSetup setup = new SessionSetup(bed.tenant, bed.agent(provider), bed.sandbox(), Map.of(), null, null);

        SessionId id = bed.start("Write and run a script (" + provider + ")", setup);
        bed.awaitIdle(id);

        assertThat(bed.readFile(setup.sandbox().id(), "hello.sh")).isEqualTo("echo goodbye from $1 > out.txt\n");
        assertThat(bed.readFile(setup.sandbox().id(), "out.txt")).isEqualTo("hello from sandbox\n");
        List<LoggedEvent> events = bed.events(id);
        assertThat(events).extracting(LoggedEvent::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).extracting(LoggedEvent::type).containsExactly(
                "session.started", "user.message", "run.started",
                "agent.message", "tool.call", "file.write", "tool.result",
                "agent.message", "command.run", "command.exited",
                "agent.message", "tool.call", "file.write", "tool.result", "tool.call", "tool.result", "tool.call",
                "tool.result",
                "agent.message", "session.idle");
        CommandExited exited = (CommandExited) events.get(9).event();
        assertThat(exited.exitCode()).isZero();
        assertThat(exited.output()).isEqualTo("hello from sandbox\n");
        assertThat(((FileWritten) events.get(5).event()).path()).isEqualTo("/workspace/hello.sh");
        assertThat(((ToolResult) events.get(15).event()).output()).isEqualTo("hello from sandbox\n");
        AgentMessage last = (AgentMessage) events.get(18).event();
        assertThat(last.text()).startsWith("Done: ").contains("hello.sh").contains("out.txt");
        assertThat(last.usage().inputTokens()).isPositive();

        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(4);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(requests.get(i).assistantMessageCount()).as("request %d carries each earlier response once", i)
                    .isEqualTo(i);
            assertThat(requests.get(i).apiKey()).isEqualTo(bed.modelKey);
        }
        assertThat(requests.get(3).toolResults()).hasSize(5);
        assertThat(requests.getFirst().system()).startsWith("You are a test agent.\n\n<environment version=\"2\">")
                .contains("Working directory: /workspace");
    }

    @Test
    void aMessageSentWhileACommandRunsIsInTheNextModelRequest() {
        bed.models.play(ModelScript.of(
                ScriptedTurn.text("Waiting for the signal.").withToolCall("bash",
                        "{\"command\":\"while [ ! -f go ]; do sleep 0.1; done; echo released\"}"),
                ScriptedTurn.text("Blue it is.")).onExhausted(ModelScript.Exhaustion.ERROR));
        SessionSetup setup = new SessionSetup(bed.tenant, bed.agent(ModelProvider.ANTHROPIC), bed.sandbox(), Map.of(),
                null, null);
        SessionId id = bed.start("Paint the fence", setup);

        bed.awaitEvent(id, "command.run");
        bed.eventLog.append(id, new UserMessage("Use blue paint"));
        bed.sandboxes.writeFile(setup.sandbox().id(), WorkspacePath.parse("go"), new byte[0]);
        bed.awaitIdle(id);

        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).userTexts()).containsExactly("Paint the fence", "Use blue paint");
        assertThat(requests.get(1).toolResults().values()).containsExactly("released\n");
        assertThat(bed.types(id)).containsSubsequence("command.run", "user.message", "command.exited",
                "agent.message", "session.idle");
    }

    @Test
    void aCommandThatFillsTheSandboxPastItsDiskQuotaIsKilledAndTheModelIsToldWhy() {
        bed.models.play(ModelScript.of(
                ScriptedTurn.text("Filling.").withToolCall("bash",
                        "{\"command\":\"dd if=/dev/zero of=/tmp/flood bs=1M count=48 2>/dev/null; sleep 120\"}"),
                ScriptedTurn.text("I will delete it.")).onExhausted(ModelScript.Exhaustion.ERROR));
        SandboxSpec small = SandboxSpec.of(SandboxId.next(Instant.now()), bed.tenant)
                .withDiskQuota(dev.opencomputer.sandbox.ByteSize.ofMegabytes(32).toBytes());
        bed.sandboxes.create(small);
        SessionSetup setup = new SessionSetup(bed.tenant, bed.agent(ModelProvider.ANTHROPIC), small, Map.of(), null,
                null);
        SessionId id = bed.start("Fill the disk", setup);
        bed.awaitIdle(id);

        assertThat(bed.types(id)).containsSubsequence("command.run", "sandbox.disk_exceeded", "command.exited",
                "agent.message", "session.idle");
        SandboxDiskExceeded exceeded = bed.events(id).stream().map(LoggedEvent::event)
                .filter(SandboxDiskExceeded.class::isInstance).map(SandboxDiskExceeded.class::cast).findFirst()
                .orElseThrow();
        assertThat(exceeded.limitBytes()).isEqualTo(32L << 20);
        assertThat(exceeded.usedBytes()).isGreaterThan(32L << 20);
        assertThat(bed.models.requests().get(1).toolResults().values()).singleElement().asString()
                .contains("past its disk quota of 33.6 MB");
    }

    @Test
    void aMessageSentDuringTheLastModelCallIsAnsweredBeforeTheSessionGoesIdle() {
        bed.models.play(ModelScript.of(ScriptedTurn.text("All done.").withDelay(Duration.ofMillis(1500)))
                .onExhausted(ModelScript.Exhaustion.ECHO));
        SessionId id = bed.start("Say when you are done", ModelProvider.OPENAI);

        bed.models.awaitRequests(1, Testbed.PATIENCE);
        bed.eventLog.append(id, new UserMessage("One more thing"));
        bed.awaitIdle(id);

        assertThat(bed.models.requests()).hasSize(2);
        assertThat(bed.models.requests().get(1).lastUserText()).isEqualTo("One more thing");
        assertThat(bed.types(id)).endsWith("user.message", "agent.message", "agent.message", "session.idle");
        assertThat(bed.types(id).stream().filter("session.idle"::equals)).hasSize(1);
    }

    @Test
    void aRejectedKeyFailsTheSessionAndTheNextMessageRetries() {
        // one cursor: Anthropic merges the two user messages into one, which the server would see as a new conversation
        bed.models.play(ModelScript.of(ScriptedTurn.failing(ScriptedError.of(401)), ScriptedTurn.text("Back again."))
                .withCursor(ModelScript.Cursor.GLOBAL));
        SessionId id = bed.start("Hello with a bad key", ModelProvider.ANTHROPIC);

        SessionFailed failed = (SessionFailed) bed.awaitEvent(id, "session.failed").event();
        bed.await(() -> bed.status(id) == SessionStatus.FAILED && bed.leaseOwner(id) == null, "failed and released");

        assertThat(failed.reason()).isEqualTo("model_authentication");
        assertThat(failed.message()).doesNotContain(bed.modelKey);
        assertThat(bed.models.requests()).hasSize(1);

        bed.eventLog.append(id, new UserMessage("Try again"));
        bed.awaitIdle(id);
        assertThat(bed.types(id)).endsWith("session.failed", "user.message", "run.started", "agent.message",
                "session.idle");
    }

    @Test
    void retryableModelFailuresAreRetriedWithinTheStep() {
        bed.models.play(ModelScript.of(ScriptedTurn.failing(ScriptedError.of(529)),
                ScriptedTurn.failing(ScriptedError.of(429).withRetryAfter(Duration.ofMillis(300))),
                ScriptedTurn.text("Third time lucky.")));
        SessionId id = bed.start("Hello through an overloaded provider", ModelProvider.ANTHROPIC);

        bed.awaitIdle(id);

        assertThat(bed.models.requests()).hasSize(3);
        assertThat(bed.types(id)).containsExactly("session.started", "user.message", "run.started", "agent.message",
                "session.idle");
    }

    @Test
    void aMissingCredentialFailsTheSessionWithoutCallingTheModel() {
        AgentSetup agent = bed.agent(ModelProvider.OPENAI);
        AgentSetup keyless = new AgentSetup(agent.id(), 1, agent.provider(), agent.model(), null, agent.prompt(),
                SecretName.parse("NO_SUCH_SECRET"), agent.tools(), agent.maxRunTime(), agent.maxSteps());
        SessionId id = bed.start("Hello without a key",
                new SessionSetup(bed.tenant, keyless, bed.sandbox(), Map.of(), null, null));

        SessionFailed failed = (SessionFailed) bed.awaitEvent(id, "session.failed").event();

        assertThat(failed.reason()).isEqualTo("model_credential_missing");
        assertThat(failed.message()).contains("NO_SUCH_SECRET");
        assertThat(bed.models.requests()).isEmpty();
    }

    @Test
    void aRunThatReachesItsStepLimitStopsAsStuckWithEveryCallAnswered() {
        bed.models.play(ModelScript.of(ScriptedTurn.text("Again.").withToolCall("bash", "{\"command\":\"true\"}"))
                .onExhausted(ModelScript.Exhaustion.LOOP));
        AgentSetup agent = bed.agent(ModelProvider.ANTHROPIC);
        AgentSetup limited = new AgentSetup(agent.id(), 1, agent.provider(), agent.model(), null, agent.prompt(),
                agent.credential(), EnumSet.of(AgentTool.BASH), agent.maxRunTime(), 3);
        SessionId id = bed.start("Loop forever", new SessionSetup(bed.tenant, limited, bed.sandbox(),
                Map.of("GREETING", "hi"), "sub", "Be brief."));

        RunStuck stuck = (RunStuck) bed.awaitEvent(id, "run.stuck").event();
        bed.awaitIdle(id);

        assertThat(stuck.reason()).isEqualTo("max_steps");
        assertThat(bed.models.requests()).hasSize(3);
        assertThat(bed.models.requests().getFirst().toolNames()).containsExactly("bash");
        assertThat(bed.models.requests().getFirst().system()).startsWith("You are a test agent.\n\n<environment")
                .endsWith("</environment>\n\nBe brief.");
        assertThat(bed.types(id).stream().filter("command.exited"::equals)).hasSize(3);
    }

    @Test
    void aSessionWhoseSetupIsGoneFailsWithoutCallingTheModel() {
        SessionId id = SessionId.next(Instant.now());
        AgentSetup agent = bed.agent(ModelProvider.ANTHROPIC);
        bed.eventLog.create(new NewSession(id, bed.tenant, agent.id(), 1, Map.of()), List.of(
                new SessionStarted(agent.id(), 1, "test-model", null, Map.of()),
                new UserMessage("Nobody knows me")));

        SessionFailed failed = (SessionFailed) bed.awaitEvent(id, "session.failed").event();

        assertThat(failed.reason()).isEqualTo("session_setup_missing");
        assertThat(bed.models.requests()).isEmpty();
    }

    @Test
    void aSessionResumedTooOftenWithoutProgressFailsInsteadOfLoopingAndAnswersItsOpenCall() {
        SessionId id = SessionId.next(Instant.now());
        SessionSetup setup = new SessionSetup(bed.tenant, bed.agent(ModelProvider.ANTHROPIC), bed.sandbox(), Map.of(),
                null, null);
        bed.setups.put(id, setup);
        List<SessionEvent> history = new ArrayList<>(List.of(
                new SessionStarted(setup.agent().id(), 1, "test-model", null, Map.of()),
                new UserMessage("Crash me"), new RunStarted(),
                new AgentMessage("m1", "test-model", List.of(new ContentBlock.ToolUse("t1",
                        "bash", Map.of("command", "true"))), "tool_use", null),
                new CommandRun("t1", "true", null)));
        for (int i = 0; i < 5; i++) {
            history.add(new RuntimeRestarted(5 + i));
        }
        bed.eventLog.create(new NewSession(id, bed.tenant, setup.agent().id(), 1, Map.of()),
                history);

        SessionFailed failed = (SessionFailed) bed.awaitEvent(id, "session.failed").event();

        assertThat(failed.reason()).isEqualTo("restart_loop");
        assertThat(bed.types(id)).endsWith("runtime.restarted", "runtime.restarted", "tool.result", "session.failed");
        assertThat(bed.models.requests()).isEmpty();
    }

    @Test
    void commandsRunInTheSessionsDirectoryWithItsEnvironmentAndReportFailures() {
        bed.models.play(ModelScript.of(
                ScriptedTurn.text("Checking.").withToolCall("bash",
                        "{\"command\":\"pwd; echo $GREETING; echo oops >&2; exit 3\"}"),
                ScriptedTurn.text("Reading.").withToolCall("read_file", "{\"path\":\"/etc/passwd\"}")
                        .withToolCall("write_file", "{\"path\":\"notes/a.txt\",\"content\":\"x\"}")
                        .withToolCall("bash", "{\"command\":\"sleep 30\",\"timeout_seconds\":1}")
                        .withToolCall("launch_missiles", "{}")
                        .withToolCall("edit_file", "{\"path\":\"notes/a.txt\"}"),
                ScriptedTurn.text("Done.")).onExhausted(ModelScript.Exhaustion.ERROR));
        SessionSetup setup = new SessionSetup(bed.tenant, bed.agent(ModelProvider.OPENAI), bed.sandbox(),
                Map.of("GREETING", "hi there"), "/workspace/project", null);
        SessionId id = bed.start("Look around", setup);

        bed.awaitIdle(id);

        Map<String, String> results = bed.models.requests().get(1).toolResults();
        assertThat(results.values().iterator().next()).isEqualTo("Error: /workspace/project\nhi there\noops\n");
        Map<String, String> second = bed.models.requests().get(2).toolResults();
        List<String> outputs = List.copyOf(second.values()).subList(1, 6);
        assertThat(outputs.get(0)).startsWith("Error: read_file can only reach files under /workspace");
        assertThat(outputs.get(1)).isEqualTo("wrote 1 bytes to /workspace/project/notes/a.txt");
        assertThat(outputs.get(2)).startsWith("Error: ").contains("ran longer than its timeout of 1 s");
        assertThat(outputs.get(3)).startsWith("Error: there is no tool named \"launch_missiles\"");
        assertThat(outputs.get(4)).startsWith("Error: edit_file needs \"old_text\"");
        assertThat(new String(bed.sandboxes.readFile(setup.sandbox().id(), WorkspacePath.parse("project/notes/a.txt")),
                StandardCharsets.UTF_8)).isEqualTo("x");
    }
}
