package dev.opencomputer.eventlog.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.AgentMessageDelta;
import dev.opencomputer.session.AgentThinkingDelta;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandOutput;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.EventCatalogue;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.McpConnected;
import dev.opencomputer.session.McpServerFailed;
import dev.opencomputer.session.AgentPlan;
import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.PullRequestOpened;
import dev.opencomputer.session.RuntimePrompted;
import dev.opencomputer.session.RuntimeReady;
import dev.opencomputer.session.RuntimeTranscript;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.RuntimeCrashed;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionClosed;
import dev.opencomputer.session.SessionConfigChanged;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import dev.opencomputer.session.SessionHibernated;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionWoke;
import dev.opencomputer.session.TokenUsage;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.session.UnknownEvent;
import dev.opencomputer.session.UnloggedEvent;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.session.WebhookSent;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.123456Z");
    private static final SessionId SESSION = SessionId.next(NOW);

    private final EventJson json = new EventJson();

    static List<SessionEvent> oneOfEachStoredType() {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("path", "src/Main.java");
        input.put("limit", 20);
        input.put("nested", Map.of("flag", true));
        return List.of(
                new SessionStarted(AgentId.next(NOW), 3, "claude-sonnet-4-5", SandboxId.next(NOW), Map.of("team", "a")),
                new UserMessage("fix the build"),
                new RunStarted(),
                new AgentMessage("msg_1", "claude-sonnet-4-5", List.of(
                        new ContentBlock.Thinking("let me look", "sig=="),
                        new ContentBlock.RedactedThinking("opaque"),
                        new ContentBlock.Text("I'll read the file."),
                        new ContentBlock.ToolUse("toolu_1", "read_file", input)),
                        "tool_use", new TokenUsage(100, 20, 5, 1), 2L),
                new ToolCalled("toolu_1", "read_file", input),
                new ToolResult("toolu_1", "read_file", "class Main {}", false),
                new CommandRun("toolu_2", "mvn -q verify", "/workspace"),
                new CommandExited("toolu_2", 1, "BUILD FAILURE", true, 1234),
                new FileWritten("toolu_3", "src/Main.java", 42),
                new RuntimeCrashed("container exited", 137),
                new RuntimeRestarted(17),
                new SessionIdle(),
                new SessionHibernated(),
                new SessionWoke(),
                new RunCancelled("requested"),
                new RunStuck("command_timeout", "mvn ran for 600 s"),
                new SessionFailed("credential_revoked", "the model key was rejected"),
                new SessionClosed("done"),
                new WebhookSent("whe_1", "msg_9", "session.idle", 12, 200, 1),
                new SessionConfigChanged("claude-opus-4", null, "high"),
                new PullRequestOpened("acme/app", 101, "https://github.com/acme/app/pull/101", "opencomputer/issue-7",
                        "0123456789abcdef0123456789abcdef01234567"),
                new McpConnected("fs", List.of("read_text_file", "write_file")),
                new McpServerFailed("tracker", "the server process exited with code 1"),
                new dev.opencomputer.session.PermissionRequested("perm_1", "toolu_1", "bash", input,
                        java.time.Instant.parse("2026-01-01T00:05:00Z")),
                new dev.opencomputer.session.PermissionAnswered("perm_1", "deny", "not now", "client_token"),
                new dev.opencomputer.session.PermissionExpired("perm_2"),
                new dev.opencomputer.session.ClientToolCalled("toolu_2", "refund", input),
                new dev.opencomputer.session.BudgetChanged(200_000L, new java.math.BigDecimal("2.50"), null),
                new dev.opencomputer.session.BudgetWarning("cost_usd", new java.math.BigDecimal("0.0412"),
                        new java.math.BigDecimal("0.05")),
                new dev.opencomputer.session.BudgetExhausted("tokens", new java.math.BigDecimal("105000"),
                        new java.math.BigDecimal("100000")),
                new RuntimeReady("claude-agent-sdk", Map.of("name", "claude-agent-acp"), Map.of("loadSession", true),
                        Map.of("currentModeId", "default"), null, List.of(Map.of("id", "mode")), "a1b2", false),
                new RuntimePrompted("a1b2", 2, false),
                new RuntimeTranscript(List.of(Map.of("dir", "out", "message", Map.of("jsonrpc", "2.0", "id", 1)))),
                new AgentPlan(List.of(new AgentPlan.Entry("read the ticket", "high", "in_progress"))),
                new NetworkRequest("registry.npmjs.org", 443, false, 0, 0, 3, "CONNECT", "104.16.1.35",
                        "registry.npmjs.org:443 is not on this session's allow-list"),
                new dev.opencomputer.session.SandboxDiskExceeded("toolu_3", 40_000_000L, 33_554_432L));
    }

    @Test
    void everyStoredTypeSurvivesARoundTripThroughItsData() {
        Set<String> covered = new HashSet<>();
        for (SessionEvent event : oneOfEachStoredType()) {
            assertThat(json.readStored(event.type(), json.data(event))).isEqualTo(event);
            covered.add(event.type());
        }
        assertThat(covered).containsExactlyInAnyOrderElementsOf(EventCatalogue.storedTypes());
    }

    @Test
    void dataUsesCamelCaseKeysLeavesNullsOutAndTagsContentBlocks() {
        assertThat(json.data(new SessionConfigChanged("m", null, null))).isEqualTo("{\"model\":\"m\"}");
        assertThat(json.data(new RunStarted())).isEqualTo("{}");
        String message = json.data(new AgentMessage(null, "m", List.of(new ContentBlock.Text("hi"),
                new ContentBlock.ToolUse("t1", "bash", Map.of("command", "ls"))), "end_turn", TokenUsage.NONE));
        assertThat(message).contains("{\"type\":\"text\",\"text\":\"hi\"}")
                .contains("{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"bash\",\"input\":{\"command\":\"ls\"}}")
                .contains("\"stopReason\":\"end_turn\"").doesNotContain("messageId");
        assertThat(json.data(new SessionStarted(AgentId.parse("agt_0123456789abcdef01234567"), 1, null, null, null)))
                .contains("\"agentId\":\"agt_0123456789abcdef01234567\"");
    }

    @Test
    void anUnknownTypeIsKeptWithItsDataAndWrittenBackUnchanged() {
        SessionEvent event = json.readStored("robot.danced", "{\"moves\":[1,2],\"style\":\"disco\"}");
        assertThat(event).isEqualTo(new UnknownEvent("robot.danced", Map.of("moves", List.of(1, 2), "style", "disco")));
        assertThat(json.data(event)).isEqualTo("{\"moves\":[1,2],\"style\":\"disco\"}");
    }

    @Test
    void fieldsAddedByANewerVersionAreIgnoredAndMissingOnesTakeDefaults() {
        assertThat(json.readStored("user.message", "{\"text\":\"hi\",\"mood\":\"happy\"}"))
                .isEqualTo(new UserMessage("hi"));
        assertThat(json.readStored("command.exited", "{\"callId\":\"c\",\"exitCode\":0}"))
                .isEqualTo(new CommandExited("c", 0, "", false, 0));
    }

    @Test
    void dataAKnownTypeCannotReadIsKeptAsAnUnknownEvent() {
        assertThat(json.readStored("user.message", "{\"nottext\":1}"))
                .isEqualTo(new UnknownEvent("user.message", Map.of("nottext", 1)));
    }

    @Test
    void theEnvelopeCarriesSeqSessionTypeTimeAndDataAndReadsBack() {
        LoggedEvent logged = new LoggedEvent(SESSION, 7, NOW, new UserMessage("he said \"hi\""));
        String wire = json.write(logged);
        assertThat(wire).isEqualTo("{\"seq\":7,\"sessionId\":\"" + SESSION + "\",\"type\":\"user.message\","
                + "\"time\":\"2025-01-02T03:04:05.123456Z\",\"data\":{\"text\":\"he said \\\"hi\\\"\"}}");
        assertThat(json.read(wire)).isEqualTo(logged);
    }

    @Test
    void ephemeralEventsHaveNoSeqOnTheWire() {
        for (var event : List.of(new AgentMessageDelta("Hel"), new AgentThinkingDelta("hmm"),
                new CommandOutput("c1", "stdout", "line\n"))) {
            UnloggedEvent unlogged = new UnloggedEvent(SESSION, NOW, event);
            String wire = json.write(unlogged);
            assertThat(wire).doesNotContain("\"seq\"").startsWith("{\"sessionId\"");
            assertThat(json.read(wire)).isEqualTo(unlogged);
        }
    }

    @Test
    void envelopeSplicesStoredDataWithoutDecodingIt() {
        assertThat(json.envelope(SESSION, 3, "x.y", NOW, "{\"a\": 1}"))
                .isEqualTo("{\"seq\":3,\"sessionId\":\"" + SESSION + "\",\"type\":\"x.y\",\"time\":\"" + NOW
                        + "\",\"data\":{\"a\": 1}}");
    }

    @Test
    void webhookSentIsWrittenByHandExactlyAsTheMapperWritesIt() {
        for (WebhookSent sent : List.of(new WebhookSent("whe_1", "msg_2", "session.idle", 7, 200, 1),
                new WebhookSent("whe_\"x\\", "msg_\u00e9\n", "custom.\u2028type", Long.MAX_VALUE, 299, 10))) {
            assertThat(json.data(sent)).isEqualTo(json.mapper().writeValueAsString(sent));
        }
        WebhookSent partial = new WebhookSent("whe_1", null, "session.idle", 7, 200, 1);
        assertThat(json.data(partial)).isEqualTo(json.mapper().writeValueAsString(partial)).doesNotContain("messageId");
    }
}
