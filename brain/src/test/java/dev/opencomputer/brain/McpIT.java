package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.McpConnected;
import dev.opencomputer.session.McpServerFailed;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.testing.TestEngine;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * MCP servers of a session, real: the reference servers from npm over stdio inside a real sandbox
 * ({@code bin/test} installs them and the sandbox gets them read-only at {@code /opt/mcp}), and a
 * Streamable-HTTP server built with the MCP Java SDK, called from the brain with a header from the
 * secret store. The scripted model calls {@code mcp__…} tools through the official SDKs.
 */
class McpIT {

    private static final String FILESYSTEM = "/opt/mcp/node_modules/.bin/mcp-server-filesystem";
    private static final String EVERYTHING = "/opt/mcp/node_modules/.bin/mcp-server-everything";
    /** Loopback test servers only; anything else is refused as the SSRF guard would. */
    private static final RemoteUrlCheck LOOPBACK_ONLY = url -> {
        if (!"127.0.0.1".equals(url.getHost())) {
            throw new IllegalArgumentException("host " + url.getHost() + " is not a public address");
        }
    };

    private Testbed bed;
    private McpHttpServer remote;

    @BeforeAll
    static void theServersAreInstalled() {
        TestEngine.mcpServersDir(); // fails clearly when not run through bin/test
    }

    @AfterEach
    void stop() throws Exception {
        if (remote != null) {
            remote.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private SessionSetup setup(McpServer... servers) {
        return new SessionSetup(bed.tenant, bed.agent(ModelProvider.ANTHROPIC), bed.sandbox(), Map.of(), null, null,
                List.of(servers));
    }

    @Test
    void aStdioServerInTheSandboxOffersItsToolsAndItsResultsReachTheNextModelRequest() {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Writing a note.").withToolCall("mcp__fs__write_file",
                        "{\"path\":\"/workspace/note.txt\",\"content\":\"hello from mcp\"}"),
                ScriptedTurn.text("Reading it back.").withToolCall("mcp__fs__read_text_file",
                        "{\"path\":\"/workspace/note.txt\"}"),
                ScriptedTurn.text("Read: {{lastToolResult}}")).onExhausted(ModelScript.Exhaustion.ERROR));
        bed.worker(bed.properties().build());
        SessionSetup setup = setup(new McpServer.Stdio("fs", FILESYSTEM, List.of("/workspace"), Map.of()));

        SessionId id = bed.start("Take a note", setup);
        bed.awaitIdle(id);

        assertThat(bed.types(id)).containsExactly("session.started", "user.message", "run.started", "mcp.connected",
                "agent.message", "tool.call", "tool.result", "agent.message", "tool.call", "tool.result",
                "agent.message", "session.idle");
        McpConnected connected = event(id, McpConnected.class).getFirst();
        assertThat(connected.name()).isEqualTo("fs");
        assertThat(connected.tools()).contains("read_text_file", "write_file", "list_directory");
        assertThat(bed.readFile(setup.sandbox().id(), "note.txt")).isEqualTo("hello from mcp");
        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.getFirst().toolNames()).contains("bash", "mcp__fs__read_text_file", "mcp__fs__write_file");
        assertThat(requests.get(2).lastToolResult()).isEqualTo("hello from mcp");
        bed.await(() -> processes(setup.sandbox().id(), "mcp-server-filesyste[m]") == 0,
                "the server process to be ended with the run");
    }

    @Test
    void aServerThatCannotStartOrIsRefusedIsReportedAndTheRunGoesOnWithoutIt() {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Trying.").withToolCall("mcp__broken__anything", "{}"),
                ScriptedTurn.text("Fine: {{lastToolResult}}")).onExhausted(ModelScript.Exhaustion.ERROR));
        bed.worker(bed.properties().build(), LOOPBACK_ONLY);
        SessionSetup setup = setup(
                new McpServer.Stdio("broken", "sh", List.of("-c", "sleep 0.5; echo no such database >&2; exit 3"), Map.of()),
                new McpServer.Http("internal", URI.create("http://localhost:1/mcp"), Map.of()));

        SessionId id = bed.start("Use the broken server", setup);
        bed.awaitIdle(id);

        List<McpServerFailed> failures = event(id, McpServerFailed.class);
        assertThat(failures).extracting(McpServerFailed::name).startsWith("broken", "internal");
        assertThat(failures.get(0).reason()).contains("exited with code 3").contains("no such database");
        assertThat(failures.get(1).reason()).contains("the URL is refused").contains("not a public address");
        ToolResult result = event(id, ToolResult.class).getFirst();
        assertThat(result.error()).isTrue();
        assertThat(result.output()).contains("the MCP server broken is not available");
        assertThat(bed.models.requests()).hasSize(2);
        assertThat(bed.models.requests().getFirst().toolNames()).noneMatch(name -> name.startsWith("mcp__"));
    }

    @Test
    void aServerKilledMidCallGivesAnErrorResultAndIsStartedAgainForTheNextCall() {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("A long one.").withToolCall("mcp__every__trigger-long-running-operation",
                        "{\"duration\":120,\"steps\":2}"),
                ScriptedTurn.text("Again.").withToolCall("mcp__every__echo", "{\"message\":\"back\"}"),
                ScriptedTurn.text("Said: {{lastToolResult}}")).onExhausted(ModelScript.Exhaustion.ERROR));
        bed.worker(bed.properties().build());
        SessionSetup setup = setup(new McpServer.Stdio("every", EVERYTHING, List.of(), Map.of()));
        SandboxId sandbox = setup.sandbox().id();

        SessionId id = bed.start("Run the long operation", setup);
        bed.awaitEvent(id, "tool.call");
        bed.sh(sandbox, "for p in /proc/[0-9]*; do grep -q mcp-server-everythin[g] $p/cmdline 2>/dev/null && "
                + "kill -9 ${p#/proc/}; done");
        bed.awaitIdle(id);

        List<String> types = bed.types(id);
        assertThat(types).containsExactly("session.started", "user.message", "run.started", "mcp.connected",
                "agent.message", "tool.call", "mcp.server_failed", "tool.result",
                "agent.message", "tool.call", "mcp.connected", "tool.result", "agent.message", "session.idle");
        ToolResult cut = event(id, ToolResult.class).getFirst();
        assertThat(cut.error()).isTrue();
        assertThat(cut.output()).contains("failed during the call").contains("The outcome is unknown");
        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(2).lastToolResult()).contains("back");
    }

    @Test
    void theRemoteServerGetsTheSecretHeaderWhichIsNowhereElseAndAChangedToolListIsOfferedNext() throws Exception {
        List<String> logLines = captureLogs();
        String canary = "Bearer mcp-canary-" + UUID.randomUUID();
        remote = new McpHttpServer(canary);
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Who am I?").withToolCall("mcp__remote__whoami", "{}"),
                ScriptedTurn.text("More tools.").withToolCall("mcp__remote__add_tool", "{}"),
                ScriptedTurn.text("A moment.").withToolCall("bash", "{\"command\":\"sleep 2; env\"}"),
                ScriptedTurn.text("The new one.").withToolCall("mcp__remote__late_tool", "{}"),
                ScriptedTurn.text("Done: {{lastToolResult}}")).onExhausted(ModelScript.Exhaustion.ERROR));
        bed.secrets.put(bed.tenant.value(), SecretName.parse("MCP_TOKEN"), SecretValue.of(canary));
        bed.worker(bed.properties().build(), LOOPBACK_ONLY);
        SessionSetup setup = setup(new McpServer.Http("remote", remote.url(),
                Map.of("Authorization", SecretName.parse("MCP_TOKEN"))));

        SessionId id = bed.start("Ask the remote server", setup);
        bed.awaitIdle(id);

        List<ToolResult> results = event(id, ToolResult.class);
        assertThat(results).extracting(ToolResult::output).containsExactly("the header was right", "added late_tool",
                "late");
        assertThat(remote.authorizations).isNotEmpty().allMatch(canary::equals);
        List<McpConnected> connected = event(id, McpConnected.class);
        assertThat(connected).hasSize(2);
        assertThat(connected.get(0).tools()).containsExactlyInAnyOrder("whoami", "slow", "add_tool");
        assertThat(connected.get(1).tools()).contains("late_tool");
        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests.get(0).toolNames()).contains("mcp__remote__whoami").doesNotContain("mcp__remote__late_tool");
        assertThat(requests.get(3).toolNames()).contains("mcp__remote__late_tool");

        assertThat(bed.dump()).contains("mcp.connected").doesNotContain(canary);
        assertThat(bed.sh(setup.sandbox().id(), "for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null; "
                + "done; grep -rs . /workspace /tmp /etc /root 2>/dev/null | head -c 1000000"))
                .doesNotContain(canary);
        assertThat(logLines).anyMatch(line -> line.contains("brain worker")).noneMatch(line -> line.contains(canary));
    }

    @Test
    void aCallCutByAWorkerCrashIsAnsweredAsUnknownAndNeverMadeAgain() {
        remote = newRemote();
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Slowly.").withToolCall("mcp__remote__slow", "{}"),
                ScriptedTurn.text("Noted: {{lastToolResult}}")).onExhausted(ModelScript.Exhaustion.ERROR));
        KillSwitch kill = new KillSwitch();
        bed.worker(bed.properties().workerId("doomed").build(), kill.eventLog(bed.eventLog), kill.leases(bed.leases),
                kill.sandboxes(bed.sandboxes), kill.secrets(bed.secrets), kill.models(bed.modelClient), LOOPBACK_ONLY);
        SessionId id = bed.start("Call the slow tool", setup(new McpServer.Http("remote", remote.url(), Map.of())));
        bed.await(() -> remote.slowCalls.get() == 1, "the slow call to reach the server");

        kill.pull();
        bed.worker(bed.properties().workerId("successor").build(), LOOPBACK_ONLY);
        bed.awaitIdle(id);

        assertThat(remote.slowCalls.get()).as("calls of the slow tool").isEqualTo(1);
        assertThat(bed.models.requests()).hasSize(2);
        assertThat(bed.models.requests().get(1).toolResults().values()).containsExactly(OpenCalls.INTERRUPTED);
        assertThat(bed.types(id)).containsSubsequence("tool.call", "runtime.restarted", "tool.result",
                "mcp.connected", "agent.message", "session.idle");
    }

    @Test
    void aCancelAbortsTheMcpCallInFlight() {
        remote = newRemote();
        bed = new Testbed(ModelScript.of(ScriptedTurn.text("Slowly.").withToolCall("mcp__remote__slow", "{}"))
                .onExhausted(ModelScript.Exhaustion.ERROR));
        bed.worker(bed.properties().build(), LOOPBACK_ONLY);
        SessionId id = bed.start("Call the slow tool", setup(new McpServer.Http("remote", remote.url(), Map.of())));
        bed.await(() -> remote.slowCalls.get() == 1, "the slow call to reach the server");

        bed.eventLog.append(id, new RunCancelled("requested"));
        bed.awaitIdle(id);

        assertThat(bed.types(id)).containsSubsequence("tool.call", "run.cancelled", "tool.result");
        ToolResult result = event(id, ToolResult.class).getFirst();
        assertThat(result.output()).isEqualTo(OpenCalls.CANCELLED);
        assertThat(bed.models.requests()).hasSize(1);
    }

    private McpHttpServer newRemote() {
        try {
            return new McpHttpServer("");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> List<T> event(SessionId id, Class<T> type) {
        return bed.events(id).stream().map(LoggedEvent::event).filter(type::isInstance).map(type::cast).toList();
    }

    private int processes(SandboxId sandbox, String pattern) {
        return Integer.parseInt(bed.sh(sandbox, "n=0; for p in /proc/[0-9]*; do grep -q '" + pattern
                + "' $p/cmdline 2>/dev/null && n=$((n+1)); done; echo $n").strip());
    }

    private final List<Runnable> restoreLogs = new CopyOnWriteArrayList<>();

    private List<String> captureLogs() {
        List<String> lines = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                lines.add(event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : " " + event.getThrowableProxy().getMessage()));
            }
        };
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.DEBUG);
        capture.start();
        root.addAppender(capture);
        restoreLogs.add(() -> {
            root.detachAppender(capture);
            root.setLevel(level);
        });
        return lines;
    }

    @AfterEach
    void restoreLogging() {
        restoreLogs.forEach(Runnable::run);
        restoreLogs.clear();
    }
}
