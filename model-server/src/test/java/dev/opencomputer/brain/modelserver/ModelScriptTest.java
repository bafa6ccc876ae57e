package dev.opencomputer.brain.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ModelScriptTest {

    @Test
    void readsEveryFieldOfATurn() {
        ModelScript script = ModelScript.parse("""
                {
                  "cursor": "global",
                  "onExhausted": "error",
                  "turns": [
                    {
                      "text": "Let me look.",
                      "thinking": "The user wants a listing.",
                      "toolCalls": [
                        {"id": "toolu_fixed", "name": "bash", "input": {"command": "ls -la"}},
                        {"name": "read_file", "input": {"path": "a.txt"}}
                      ],
                      "stopReason": "tool_use",
                      "usage": {"inputTokens": 120, "outputTokens": 30},
                      "delayMs": 250,
                      "deltaDelayMs": 10
                    }
                  ]
                }
                """);

        assertThat(script.cursor()).isEqualTo(ModelScript.Cursor.GLOBAL);
        assertThat(script.onExhausted()).isEqualTo(ModelScript.Exhaustion.ERROR);
        ScriptedTurn turn = script.turns().getFirst();
        assertThat(turn.text()).isEqualTo("Let me look.");
        assertThat(turn.thinking()).isEqualTo("The user wants a listing.");
        assertThat(turn.toolCalls()).containsExactly(
                new ScriptedToolCall("toolu_fixed", "bash", "{\"command\":\"ls -la\"}"),
                new ScriptedToolCall(null, "read_file", "{\"path\":\"a.txt\"}"));
        assertThat(turn.stopReason()).isEqualTo("tool_use");
        assertThat(turn.usage()).isEqualTo(new ScriptedTurn.ScriptedUsage(120, 30));
        assertThat(turn.delay()).isEqualTo(Duration.ofMillis(250));
        assertThat(turn.deltaDelay()).isEqualTo(Duration.ofMillis(10));
        assertThat(turn.hang()).isEqualTo(ScriptedTurn.Hang.NONE);
        assertThat(turn.error()).isNull();
    }

    @Test
    void readsErrorsHangsAndTheDefaults() {
        ModelScript script = ModelScript.parse("""
                {"turns": [
                  {"error": {"status": 429, "retryAfterSeconds": 2}},
                  {"error": {"status": 529, "type": "overloaded_error", "message": "busy", "retryAfterMs": 1500,
                             "midStream": true}},
                  {"hang": true},
                  {"hang": "mid-stream", "text": "partial"},
                  {"text": "done"}
                ]}
                """);

        assertThat(script.cursor()).isEqualTo(ModelScript.Cursor.PER_CONVERSATION);
        assertThat(script.onExhausted()).isEqualTo(ModelScript.Exhaustion.ECHO);
        assertThat(script.turns().get(0).error()).isEqualTo(
                new ScriptedError(429, null, null, Duration.ofSeconds(2), false));
        assertThat(script.turns().get(1).error()).isEqualTo(
                new ScriptedError(529, "overloaded_error", "busy", Duration.ofMillis(1500), true));
        assertThat(script.turns().get(2).hang()).isEqualTo(ScriptedTurn.Hang.BEFORE_RESPONSE);
        assertThat(script.turns().get(3).hang()).isEqualTo(ScriptedTurn.Hang.MID_STREAM);
        assertThat(script.turns().get(4).effectiveStopReason()).isEqualTo("end_turn");
    }

    @Test
    void acceptsABareArrayOfTurns() {
        ModelScript script = ModelScript.parse("""
                [{"toolCalls": [{"name": "list_files"}]}, {"text": "ok"}]
                """);

        assertThat(script.turns()).hasSize(2);
        assertThat(script.turns().getFirst().toolCalls().getFirst().inputJson()).isEqualTo("{}");
        assertThat(script.turns().getFirst().effectiveStopReason()).isEqualTo("tool_use");
    }

    @Test
    void rejectsAnUnknownFieldNamingWhereItIs() {
        assertThatThrownBy(() -> ModelScript.parse("""
                {"turns": [{"text": "a"}, {"txet": "b"}]}
                """))
                .isInstanceOf(InvalidModelScriptException.class)
                .hasMessageContaining("turns[1]")
                .hasMessageContaining("unknown field \"txet\"");
    }

    @Test
    void rejectsAnErrorStatusOutsideFourAndFiveHundreds() {
        assertThatThrownBy(() -> ModelScript.parse("""
                {"turns": [{"error": {"status": 200}}]}
                """))
                .isInstanceOf(InvalidModelScriptException.class)
                .hasMessageContaining("turns[0].error.status");
    }

    @Test
    void rejectsAToolCallWhoseInputIsNotAnObject() {
        assertThatThrownBy(() -> ModelScript.parse("""
                {"turns": [{"toolCalls": [{"name": "bash", "input": "ls"}]}]}
                """))
                .isInstanceOf(InvalidModelScriptException.class)
                .hasMessageContaining("turns[0].toolCalls[0].input");
    }

    @Test
    void rejectsAnEmptyTurn() {
        assertThatThrownBy(() -> ModelScript.parse("""
                {"turns": [{}]}
                """))
                .isInstanceOf(InvalidModelScriptException.class)
                .hasMessageContaining("turns[0]");
    }

    @Test
    void rejectsAnUnknownCursorListingTheChoices() {
        assertThatThrownBy(() -> ModelScript.parse("""
                {"cursor": "random", "turns": []}
                """))
                .isInstanceOf(InvalidModelScriptException.class)
                .hasMessageContaining("per-conversation")
                .hasMessageContaining("global");
    }

    @Test
    void rejectsText() {
        assertThatThrownBy(() -> ModelScript.parse("not json"))
                .isInstanceOf(InvalidModelScriptException.class)
                .hasMessageStartingWith("a model script must be JSON");
    }

    @Test
    void rejectsNegativeDelays() {
        assertThatThrownBy(() -> ModelScript.parse("""
                {"turns": [{"text": "a", "delayMs": -5}]}
                """))
                .isInstanceOf(InvalidModelScriptException.class)
                .hasMessageContaining("turns[0].delayMs");
    }

    @Test
    void writesWhatItReads() {
        ModelScript script = ModelScript.of(
                ScriptedTurn.text("hi").withThinking("hmm").withUsage(3, 4).withDeltaDelay(Duration.ofMillis(5)),
                ScriptedTurn.toolCall("bash", "{\"command\": \"true\"}").withToolCall("read_file", "{\"path\":\"x\"}"),
                ScriptedTurn.failing(ScriptedError.of(429).withRetryAfter(Duration.ofMillis(1200))),
                ScriptedTurn.failing(ScriptedError.of(529).inMidStream()),
                ScriptedTurn.hanging(),
                ScriptedTurn.text("cached").withUsage(10, 2, 300, 40),
                ScriptedTurn.text("slow").withDelay(Duration.ofSeconds(1)).hangingMidStream())
                .withCursor(ModelScript.Cursor.GLOBAL)
                .onExhausted(ModelScript.Exhaustion.LOOP);

        assertThat(ModelScript.parse(script.toJson())).isEqualTo(script);
    }

    @Test
    void theDefaultScriptWritesAFileRunsItAndAnswers() {
        ModelScript script = ModelScript.defaultScript();

        assertThat(script.turns()).extracting(turn -> turn.toolCalls().isEmpty() ? "answer"
                : turn.toolCalls().getFirst().name())
                .containsExactly("write_file", "bash", "answer");
        assertThat(script.turns().getLast().text()).contains("{{lastToolResult}}");
        assertThat(script.onExhausted()).isEqualTo(ModelScript.Exhaustion.ECHO);
    }
}
