package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SessionConfigChanged;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.session.UserMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
    private static final SessionId SESSION = SessionId.next(T0);

    private final Conversation conversation = new Conversation();

    private void fold(SessionEvent... events) {
        for (SessionEvent event : events) {
            long seq = conversation.lastSeq() + 1;
            conversation.apply(new LoggedEvent(SESSION, seq, T0.plusSeconds(seq), event));
        }
    }

    private static AgentMessage response(String text, ContentBlock.ToolUse... calls) {
        List<ContentBlock> content = new java.util.ArrayList<>();
        content.add(new ContentBlock.Text(text));
        content.addAll(List.of(calls));
        return new AgentMessage("msg_1", "test-model", content, calls.length > 0 ? "tool_use" : "end_turn", null);
    }

    /** A stored response whose request carried the user messages up to {@code inputSeq}. */
    private static AgentMessage responseTo(long inputSeq, String text, ContentBlock.ToolUse... calls) {
        AgentMessage m = response(text, calls);
        return new AgentMessage(m.messageId(), m.model(), m.content(), m.stopReason(), m.usage(), inputSeq);
    }

    private static ContentBlock.ToolUse bash(String id, String command) {
        return new ContentBlock.ToolUse(id, "bash", Map.of("command", command));
    }

    private static ContentBlock.ToolUse write(String id, String path) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("path", path);
        input.put("content", "x");
        return new ContentBlock.ToolUse(id, "write_file", input);
    }

    @Test
    void foldsMessagesResponsesAndToolResultsIntoTurnsInLogOrder() {
        fold(new SessionStarted(AgentId.next(T0), 1, "m", null, Map.of()), new UserMessage("build it"), new RunStarted(),
                response("Writing.", write("t1", "a.txt")), new ToolCalled("t1", "write_file", Map.of()),
                new FileWritten("t1", "/workspace/a.txt", 1), new ToolResult("t1", "write_file", "wrote 1 byte", false),
                response("Running.", bash("t2", "ls")), new CommandRun("t2", "ls", null),
                new CommandExited("t2", 2, "ls: no such file", false, 5));

        assertThat(conversation.turns()).containsExactly(
                Turn.user("build it"),
                new Turn.Assistant("Writing.", List.of(new ToolCall("t1", "write_file", "{\"path\":\"a.txt\",\"content\":\"x\"}")),
                        List.of()),
                Turn.result("t1", "wrote 1 byte"),
                new Turn.Assistant("Running.", List.of(new ToolCall("t2", "bash", "{\"command\":\"ls\"}")), List.of()),
                Turn.failure("t2", "ls: no such file"));
        assertThat(conversation.pendingCalls()).isEmpty();
        assertThat(conversation.needsModel()).isTrue();
        assertThat(conversation.lastSeq()).isEqualTo(10);
    }

    @Test
    void aStoredResponseIsNeverAskedForAgainItsCallsAreWhatRemainsToDo() {
        fold(new UserMessage("go"), response("Two things.", bash("t1", "true"), bash("t2", "false")));

        assertThat(conversation.needsModel()).isFalse();
        assertThat(conversation.pendingCalls()).extracting(ContentBlock.ToolUse::id).containsExactly("t1", "t2");

        fold(new CommandRun("t1", "true", null), new CommandExited("t1", 0, "", false, 1));

        assertThat(conversation.pendingCalls()).extracting(ContentBlock.ToolUse::id).containsExactly("t2");
        assertThat(conversation.needsModel()).isFalse();
    }

    @Test
    void aCallThatStartedButNeverEndedIsKnownAsInterrupted() {
        fold(new UserMessage("go"), response("Sleeping.", bash("t1", "sleep 100"), bash("t2", "true")),
                new CommandRun("t1", "sleep 100", null));

        assertThat(conversation.startOf("t1")).containsInstanceOf(CommandRun.class);
        assertThat(conversation.startOf("t2")).isEmpty();

        fold(new RuntimeRestarted(3), new ToolResult("t1", "bash", OpenCalls.INTERRUPTED, true));

        assertThat(conversation.pendingCalls()).extracting(ContentBlock.ToolUse::id).containsExactly("t2");
    }

    @Test
    void aMessageThatArrivesWhileToolsRunWaitsUntilEveryCallIsAnswered() {
        fold(new UserMessage("paint it"), response("Two steps.", bash("t1", "a"), bash("t2", "b")),
                new CommandRun("t1", "a", null), new UserMessage("use blue"), new CommandExited("t1", 0, "ok", false, 1),
                new UserMessage("and hurry"));

        assertThat(conversation.turns()).extracting(Object::getClass).containsExactly(Turn.User.class,
                Turn.Assistant.class);

        fold(new CommandRun("t2", "b", null), new CommandExited("t2", 0, "done", false, 1));

        List<Turn> turns = conversation.turns();
        assertThat(turns.subList(2, turns.size())).containsExactly(Turn.result("t1", "ok"), Turn.result("t2", "done"),
                Turn.user("use blue"), Turn.user("and hurry"));
        assertThat(conversation.needsModel()).isTrue();
    }

    @Test
    void aMessageThatArrivedWhileTheModelWasAnsweringFollowsTheAnswer() {
        fold(new UserMessage("hi"), new UserMessage("one more thing"), responseTo(1, "Hello."));

        assertThat(conversation.turns()).containsExactly(Turn.user("hi"),
                new Turn.Assistant("Hello.", List.of(), List.of()), Turn.user("one more thing"));
        assertThat(conversation.needsModel()).isTrue();
    }

    @Test
    void aMessageThatArrivedWhileTheModelAskedForToolsWaitsForTheirResults() {
        fold(new UserMessage("hi"), new UserMessage("use blue"), responseTo(1, "Checking.", bash("t1", "ls")));

        assertThat(conversation.turns()).hasSize(2);
        fold(new CommandRun("t1", "ls", null), new CommandExited("t1", 0, "", false, 1));
        assertThat(conversation.turns().subList(2, 4)).containsExactly(Turn.result("t1", ""), Turn.user("use blue"));
    }

    @Test
    void theAnswerToAMessageMovedAfterAResponseAnswersIt() {
        fold(new UserMessage("hi"), new UserMessage("one more thing"), responseTo(1, "Hello."));
        assertThat(conversation.lastUserTurnSeq()).as("the moved message keeps its own seq").isEqualTo(2);

        fold(responseTo(2, "And the other thing."));

        assertThat(conversation.turns()).containsExactly(Turn.user("hi"),
                new Turn.Assistant("Hello.", List.of(), List.of()), Turn.user("one more thing"),
                new Turn.Assistant("And the other thing.", List.of(), List.of()));
        assertThat(conversation.needsModel()).isFalse();
    }

    @Test
    void aResponseThatSawEveryMessageAnswersThemAll() {
        fold(new UserMessage("hi"), new UserMessage("one more thing"), responseTo(2, "Hello to both."));

        assertThat(conversation.turns()).containsExactly(Turn.user("hi"), Turn.user("one more thing"),
                new Turn.Assistant("Hello to both.", List.of(), List.of()));
        assertThat(conversation.needsModel()).isFalse();
    }

    @Test
    void aResponseStoredWithoutItsInputSeqFoldsInLogOrder() {
        fold(new UserMessage("hi"), new UserMessage("one more thing"), response("Hello."));

        assertThat(conversation.turns()).extracting(Object::getClass).containsExactly(Turn.User.class,
                Turn.User.class, Turn.Assistant.class);
        assertThat(conversation.needsModel()).isFalse();
    }

    @Test
    void theModelEndingItsTurnNeedsNothingMoreUntilTheNextMessage() {
        fold(new UserMessage("hi"), response("Hello."));
        assertThat(conversation.needsModel()).isFalse();
        assertThat(conversation.pendingCalls()).isEmpty();

        fold(new SessionIdle(), new UserMessage("again"));
        assertThat(conversation.needsModel()).isTrue();
        assertThat(conversation.lastUserMessageSeq()).isEqualTo(4);
    }

    @Test
    void liveConfigChangesTheModelAndThinkingFromTheNextCall() {
        fold(new UserMessage("hi"));
        assertThat(conversation.model("agent-model")).isEqualTo("agent-model");
        assertThat(conversation.thinking()).isEqualTo(ThinkingLevel.OFF);

        fold(new SessionConfigChanged("other-model", null, "high"), new SessionConfigChanged(null, "plan", null),
                new SessionConfigChanged(null, null, "galaxy-brain"));

        assertThat(conversation.model("agent-model")).isEqualTo("other-model");
        assertThat(conversation.thinking()).isEqualTo(ThinkingLevel.HIGH);
        assertThat(conversation.mode()).isEqualTo("plan");
    }

    @Test
    void countsTheRunsStepsAndTheRestartsWithoutProgress() {
        fold(new UserMessage("go"), new RunStarted(), response("one", bash("t1", "x")), new RuntimeRestarted(3),
                new RuntimeRestarted(4));
        assertThat(conversation.runSteps()).isEqualTo(1);
        assertThat(conversation.runStartedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(conversation.restartsWithoutProgress()).isEqualTo(2);

        fold(new ToolResult("t1", "bash", OpenCalls.INTERRUPTED, true));
        assertThat(conversation.restartsWithoutProgress()).isZero();

        fold(response("two"), new SessionIdle(), new UserMessage("more"), new RunStarted());
        assertThat(conversation.runSteps()).isZero();
    }

    @Test
    void aResponseSurvivesTheRoundTripThroughItsStoredEvent() {
        ModelResponse response = new ModelResponse("msg_9", "m", "Let me look.",
                List.of(new ToolCall("t1", "bash", "{\"command\":\"ls\",\"timeout_seconds\":5}"),
                        new ToolCall("t2", "read_file", "{not json")),
                List.of(new Thinking("hmm", "sig", false), new Thinking("opaque", "", true)), StopReason.TOOL_USE,
                new TokenUsage(120, 30));

        AgentMessage stored = Conversation.message(response, 7);

        assertThat(stored.inputSeq()).isEqualTo(7);

        assertThat(stored.stopReason()).isEqualTo("tool_use");
        assertThat(stored.usage().inputTokens()).isEqualTo(120);
        assertThat(stored.usage().outputTokens()).isEqualTo(30);
        assertThat(stored.toolUses().get(1).input()).isEqualTo(Map.of("invalid_input", "{not json"));
        Turn.Assistant turn = Conversation.assistant(stored);
        assertThat(turn.text()).isEqualTo("Let me look.");
        assertThat(turn.thinking()).isEqualTo(response.thinking());
        assertThat(turn.toolCalls().getFirst()).isEqualTo(response.toolCalls().getFirst());
    }

    @Test
    void eventsAlreadyFoldedAreIgnoredAndAGapIsRefused() {
        fold(new UserMessage("one"));
        conversation.apply(new LoggedEvent(SESSION, 1, T0, new UserMessage("one")));
        assertThat(conversation.turns()).hasSize(1);

        assertThatThrownBy(() -> conversation.apply(new LoggedEvent(SESSION, 3, T0, new UserMessage("three"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCancelMarksTheOpenCallsAsCancelledAndWaitsForTheNextMessage() {
        fold(new SessionStarted(AgentId.next(T0), 1, "m", null, Map.of()), new UserMessage("build it"), new RunStarted(),
                response("Two things.", bash("t1", "sleep 600"), bash("t2", "ls")), new CommandRun("t1", "sleep 600", null),
                new dev.opencomputer.session.RunCancelled("requested"));

        assertThat(conversation.cancelledSeq()).isEqualTo(6);
        assertThat(conversation.pendingCalls()).extracting(ContentBlock.ToolUse::id).containsExactly("t1", "t2");
        assertThat(conversation.cancelled("t1")).isTrue();
        assertThat(conversation.cancelled("t2")).isTrue();

        fold(new ToolResult("t1", "bash", "cancelled", true), new ToolResult("t2", "bash", "cancelled", true));
        assertThat(conversation.pendingCalls()).isEmpty();
        assertThat(conversation.cancelled("t1")).isFalse();
        assertThat(conversation.needsModel()).as("after a cancel, only a new message calls the model").isFalse();

        fold(new UserMessage("do something else"));
        assertThat(conversation.needsModel()).isTrue();
        assertThat(conversation.turns().getLast()).isEqualTo(Turn.user("do something else"));
    }
}
