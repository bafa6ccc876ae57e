package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.session.UserMessage;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs stopped before their end: cancelled (a {@code run.cancelled} in the log, as the API appends
 * it) during a model call and during a command, and stuck — a model that never answers, a command
 * that never ends — then answering the next message. Real PostgreSQL, engine and SDKs.
 */
class CancelAndStuckRunsIT {

    private static final Duration MODEL_TIMEOUT = Duration.ofSeconds(4);
    private static final Duration NO_PROGRESS = Duration.ofSeconds(8);
    private static Testbed bed;

    @BeforeAll
    static void startWorker() {
        bed = new Testbed(ModelScript.of());
        bed.worker(bed.properties()
                .modelTimeout(MODEL_TIMEOUT)
                .noProgressTimeout(NO_PROGRESS)
                .retry(new BrainProperties.Retry(1, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(5)))
                .build());
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @BeforeEach
    void forgetRequests() {
        bed.models.clearRequests();
    }

    @Test
    void aCancelDuringAModelCallAbandonsItAndTheNextMessageIsAnswered() {
        bed.models.play(ModelScript.of(ScriptedTurn.hanging(), ScriptedTurn.text("Back again."))
                .withCursor(ModelScript.Cursor.GLOBAL));
        SessionId id = bed.start("Think forever", ModelProvider.OPENAI);
        bed.models.awaitRequests(1, Testbed.PATIENCE);

        long cancelledAt = System.nanoTime();
        bed.eventLog.append(id, new RunCancelled("requested"));
        bed.awaitIdle(id);
        Duration took = Duration.ofNanos(System.nanoTime() - cancelledAt);

        assertThat(took).as("cancel to released lease").isLessThan(MODEL_TIMEOUT);
        assertThat(bed.types(id)).containsExactly("session.started", "user.message", "run.started", "run.cancelled");

        bed.eventLog.append(id, new UserMessage("Are you there?"));
        bed.awaitEvent(id, e -> e.event() instanceof AgentMessage, "a response");
        bed.awaitIdle(id);
        assertThat(bed.models.requests()).hasSize(2);
        assertThat(bed.models.requests().get(1).userTexts()).containsExactly("Think forever", "Are you there?");
        assertThat(bed.types(id)).endsWith("run.cancelled", "user.message", "run.started", "agent.message",
                "session.idle");
    }

    @Test
    void aCancelDuringACommandKillsItAnswersTheCallAsCancelledAndTheNextMessageIsAnswered() {
        bed.models.play(ModelScript.of(
                ScriptedTurn.text("Sleeping.").withToolCall("bash", "{\"command\":\"sleep 600\"}"),
                ScriptedTurn.text("Understood: {{lastToolResult}}")).withCursor(ModelScript.Cursor.GLOBAL));
        SessionSetup setup = new SessionSetup(bed.tenant, bed.agent(ModelProvider.ANTHROPIC), bed.sandbox(), Map.of(),
                null, null);
        SessionId id = bed.start("Sleep a long time", setup);
        bed.awaitEvent(id, "command.run");
        bed.await(() -> sleepers(setup) == 1, "the command running in the sandbox");

        bed.eventLog.append(id, new RunCancelled("requested"));
        bed.awaitIdle(id);

        assertThat(sleepers(setup)).as("processes of the cancelled command").isZero();
        List<LoggedEvent> events = bed.events(id);
        assertThat(events).extracting(LoggedEvent::type).endsWith("command.run", "run.cancelled", "tool.result");
        ToolResult result = (ToolResult) events.getLast().event();
        assertThat(result.output()).isEqualTo("cancelled");
        assertThat(result.error()).isTrue();
        assertThat(bed.models.requests()).hasSize(1);

        bed.eventLog.append(id, new UserMessage("Never mind"));
        bed.awaitEvent(id, e -> e.event() instanceof AgentMessage m && m.text().startsWith("Understood"), "the answer");
        bed.awaitIdle(id);
        RecordedRequest next = bed.models.requests().get(1);
        assertThat(next.lastToolResult()).isEqualTo("cancelled");
        assertThat(next.lastUserText()).isEqualTo("Never mind");
    }

    @Test
    void aModelThatNeverAnswersIsStoppedByTheModelTimeoutAndTheNextMessageIsAnswered() {
        bed.models.play(ModelScript.of(ScriptedTurn.hanging(), ScriptedTurn.text("Awake now."))
                .withCursor(ModelScript.Cursor.GLOBAL));
        SessionId id = bed.start("Hang", ModelProvider.ANTHROPIC);

        RunStuck stuck = (RunStuck) bed.awaitEvent(id, "run.stuck").event();
        bed.awaitIdle(id);
        assertThat(stuck.reason()).isEqualTo("model_timeout");
        assertThat(bed.models.requests()).hasSize(1);

        bed.eventLog.append(id, new UserMessage("Hello again"));
        bed.awaitEvent(id, e -> e.event() instanceof AgentMessage, "a response");
        bed.awaitIdle(id);
        assertThat(bed.models.requests()).hasSize(2);
    }

    @Test
    void aCommandThatNeverEndsIsStoppedAtTheRunsMaxDurationAndTheNextMessageIsAnswered() {
        bed.models.play(ModelScript.of(
                ScriptedTurn.text("Sleeping.").withToolCall("bash", "{\"command\":\"sleep 600\"}"),
                ScriptedTurn.text("Done.")).withCursor(ModelScript.Cursor.GLOBAL));
        AgentSetup agent = bed.agent(ModelProvider.OPENAI);
        AgentSetup limited = new AgentSetup(agent.id(), 1, agent.provider(), agent.model(), null, agent.prompt(),
                agent.credential(), EnumSet.allOf(AgentTool.class), Duration.ofSeconds(3), 50);
        SessionSetup setup = new SessionSetup(bed.tenant, limited, bed.sandbox(), Map.of(), null, null);
        SessionId id = bed.start("Sleep past the limit", setup);

        RunStuck stuck = (RunStuck) bed.awaitEvent(id, "run.stuck").event();
        bed.awaitIdle(id);

        assertThat(stuck.reason()).isEqualTo("max_duration");
        assertThat(sleepers(setup)).isZero();
        assertThat(bed.types(id)).endsWith("command.run", "tool.result", "run.stuck");
        assertThat(bed.models.requests()).hasSize(1);

        bed.eventLog.append(id, new UserMessage("Go on"));
        bed.awaitEvent(id, e -> e.event() instanceof AgentMessage m && m.text().equals("Done."), "the answer");
        bed.awaitIdle(id);
    }

    @Test
    void aCommandThatShowsNoProgressIsStoppedByTheWatchdog() {
        bed.models.play(ModelScript.of(
                ScriptedTurn.text("Sleeping.").withToolCall("bash", "{\"command\":\"sleep 600\",\"timeout_seconds\":600}"),
                ScriptedTurn.text("Done.")).withCursor(ModelScript.Cursor.GLOBAL));
        SessionSetup setup = new SessionSetup(bed.tenant, bed.agent(ModelProvider.ANTHROPIC), bed.sandbox(), Map.of(),
                null, null);
        SessionId id = bed.start("Sleep quietly", setup);

        RunStuck stuck = (RunStuck) bed.awaitEvent(id, "run.stuck").event();
        bed.awaitIdle(id);

        assertThat(stuck.reason()).isEqualTo("no_progress");
        assertThat(sleepers(setup)).isZero();
        assertThat(bed.models.requests()).hasSize(1);
    }

    /** How many {@code sleep 600} processes run in the session's sandbox. */
    private static int sleepers(SessionSetup setup) {
        String count = bed.sh(setup.sandbox().id(), "for p in /proc/[0-9]*; do tr '\\000' ' ' < $p/cmdline 2>/dev/null; "
                + "echo; done | grep -c '^sleep 60[0]' || true").strip();
        return Integer.parseInt(count);
    }
}
