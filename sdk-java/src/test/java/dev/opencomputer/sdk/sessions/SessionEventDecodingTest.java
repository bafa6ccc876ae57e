package dev.opencomputer.sdk.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.sdk.sse.ServerSentEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionEventDecodingTest {

    private static final String SES = "ses_0123456789abcdef01234567";
    private static final Instant TIME = Instant.parse("2025-01-02T03:04:05.123456Z");

    private static SessionEvent read(String type, Long seq, String data) {
        String json = "{" + (seq == null ? "" : "\"seq\":" + seq + ",") + "\"sessionId\":\"" + SES + "\",\"type\":\""
                + type + "\",\"time\":\"" + TIME + "\",\"data\":" + data + "}";
        return EventJson.read(new ServerSentEvent(seq == null ? "" : seq.toString(), type, json));
    }

    @Test
    void storedEventsBecomeTheirRecordsWithTheEnvelopeFlattenedIn() {
        assertThat(read("session.started", 1L, """
                {"agentId":"agt_1","agentVersion":2,"model":"claude","metadata":{"ticket":"42"},"extra":true}"""))
                .isEqualTo(new SessionStarted(1, SES, TIME, "agt_1", 2, "claude", null, Map.of("ticket", "42")));
        assertThat(read("user.message", 2L, "{\"text\":\"hi\"}")).isEqualTo(new UserMessage(2, SES, TIME, "hi"));
        assertThat(read("run.started", 3L, "{}")).isEqualTo(new RunStarted(3, SES, TIME));
        assertThat(read("command.exited", 4L, """
                {"callId":"c1","exitCode":3,"output":"boom","outputTruncated":false,"durationMs":12}"""))
                .isEqualTo(new CommandExited(4, SES, TIME, "c1", 3, "boom", false, 12));
        assertThat(read("session.failed", 5L, "{\"reason\":\"model_not_found\",\"message\":\"m\"}"))
                .isEqualTo(new SessionFailed(5, SES, TIME, "model_not_found", "m"));
        assertThat(read("runtime.crashed", 6L, "{\"reason\":\"oom\",\"exitCode\":137}"))
                .isEqualTo(new RuntimeCrashed(6, SES, TIME, "oom", 137));
        assertThat(read("mcp.connected", 7L, "{\"name\":\"fs\",\"tools\":[\"read_text_file\"]}"))
                .isEqualTo(new McpConnected(7, SES, TIME, "fs", java.util.List.of("read_text_file")));
        assertThat(read("mcp.server_failed", 8L, "{\"name\":\"fs\",\"reason\":\"exited\"}"))
                .isEqualTo(new McpServerFailed(8, SES, TIME, "fs", "exited"));
    }

    @Test
    void agentMessagesKeepTheirBlocksInOrderAndUnknownBlocksRaw() {
        var message = (AgentMessage) read("agent.message", 7L, """
                {"model":"m","stopReason":"tool_use","usage":{"inputTokens":10,"outputTokens":5},"inputSeq":5,
                 "content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Hello "},
                 {"type":"text","text":"there"},{"type":"tool_use","id":"tu_1","name":"bash","input":{"command":"ls"}},
                 {"type":"hologram","depth":3}]}""");

        assertThat(message.text()).isEqualTo("Hello there");
        assertThat(message.toolUses()).containsExactly(new ContentBlock.ToolUse("tu_1", "bash", Map.of("command", "ls")));
        assertThat(message.content().getFirst()).isEqualTo(new ContentBlock.Thinking("hmm", "sig"));
        assertThat(message.content().getLast()).isInstanceOfSatisfying(ContentBlock.Other.class,
                other -> assertThat(other.json().get("depth").asInt()).isEqualTo(3));
        assertThat(message.usage()).isEqualTo(new TokenUsage(10, 5, 0, 0));
        assertThat(message.inputSeq()).isEqualTo(5L);
    }

    @Test
    void budgetEventsCarryTheirKindAndFiguresExactly() {
        assertThat(read("budget.warning", 8L, "{\"kind\":\"cost_usd\",\"used\":0.0412,\"limit\":0.05}"))
                .isEqualTo(new BudgetWarning(8, SES, TIME, "cost_usd", new java.math.BigDecimal("0.0412"),
                        new java.math.BigDecimal("0.05")));
        assertThat(read("budget.exhausted", 9L, "{\"kind\":\"tokens\",\"used\":105000,\"limit\":100000}"))
                .isEqualTo(new BudgetExhausted(9, SES, TIME, "tokens", new java.math.BigDecimal("105000"),
                        new java.math.BigDecimal("100000")));
        assertThat(read("session.budget_changed", 10L, "{\"maxTokens\":200000}"))
                .isEqualTo(new BudgetChanged(10, SES, TIME, 200_000L, null, null));
    }

    @Test
    void ephemeralEventsHaveNoPosition() {
        SessionEvent delta = read("agent.delta", null, "{\"text\":\"Hel\"}");
        assertThat(delta).isEqualTo(new AgentDelta(SES, TIME, "Hel"));
        assertThat(delta.position()).isEmpty();
        assertThat(read("command.output", null, "{\"callId\":\"c\",\"stream\":\"stderr\",\"text\":\"x\"}"))
                .isEqualTo(new CommandOutput(SES, TIME, "c", "stderr", "x"));
    }

    @Test
    void unknownTypesAndMisshapenDataBecomeUnknownEventsInsteadOfErrors() {
        assertThat(read("robot.danced", 8L, "{\"moves\":[1,2]}")).isInstanceOfSatisfying(UnknownEvent.class, e -> {
            assertThat(e.seq()).isEqualTo(8);
            assertThat(e.type()).isEqualTo("robot.danced");
            assertThat(e.time()).isEqualTo(TIME);
            assertThat(e.data().get("moves").size()).isEqualTo(2);
        });
        assertThat(read("command.exited", 9L, "{\"exitCode\":\"not a number\"}")).isInstanceOf(UnknownEvent.class);
        assertThat(read("user.message", null, "{\"text\":\"a stored type without a seq\"}"))
                .isInstanceOf(UnknownEvent.class);
        assertThat(EventJson.read(new ServerSentEvent("10", "user.message", "not json")))
                .isInstanceOfSatisfying(UnknownEvent.class, e -> {
                    assertThat(e.seq()).isEqualTo(10);
                    assertThat(e.data().asString()).isEqualTo("not json");
                });
    }

    @Test
    void startedSessionsHideTheirClientTokenWhenPrinted() {
        var started = new StartedSession("ses_1", "pending", "agt_1", 1, 2L, null, TIME, TIME, "/v1/sessions/ses_1/stream",
                "eyJsecret", TIME, null);
        assertThat(started.toString()).doesNotContain("eyJsecret");
        assertThat(new ClientToken("eyJsecret", TIME).toString()).doesNotContain("eyJsecret");
        assertThat(started.session().metadata()).isEmpty();
        assertThat(List.of(started.session().id())).containsExactly("ses_1");
    }

    @Test
    void permissionAndClientToolEventsDecodeToTheirRecords() {
        assertThat(read("permission.requested", 8L, """
                {"requestId":"perm_1","callId":"c1","tool":"bash","input":{"command":"ls"},
                 "expiresAt":"2025-01-02T04:00:00Z"}"""))
                .isEqualTo(new PermissionRequested(8, SES, TIME, "perm_1", "c1", "bash", Map.of("command", "ls"),
                        Instant.parse("2025-01-02T04:00:00Z")));
        assertThat(read("permission.answered", 9L, """
                {"requestId":"perm_1","decision":"deny","message":"no","by":"client_token"}"""))
                .isEqualTo(new PermissionAnswered(9, SES, TIME, "perm_1", "deny", "no", "client_token"));
        assertThat(read("permission.expired", 10L, "{\"requestId\":\"perm_2\"}"))
                .isEqualTo(new PermissionExpired(10, SES, TIME, "perm_2"));
        assertThat(read("client_tool.called", 11L, "{\"callId\":\"c2\",\"name\":\"refund\",\"input\":{\"amount\":5}}"))
                .isEqualTo(new ClientToolCalled(11, SES, TIME, "c2", "refund", Map.of("amount", 5)));
    }
}
