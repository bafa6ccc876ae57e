package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.eventlog.StaleFencingTokenException;
import dev.opencomputer.sandbox.SandboxFileNotFoundException;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RuntimeCrashed;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.TestEngine;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers die, leases move, sandboxes are killed: the run goes on from the log, and nothing that
 * had finished is done twice. A worker "dies" through a {@link KillSwitch} (every call of its
 * process fails, what it started outside keeps going) and another worker takes over once the
 * two-second lease expires.
 */
class CrashRecoveryIT {

    private Testbed bed;

    @AfterEach
    void close() {
        if (bed != null) {
            bed.close();
        }
    }

    /** A worker whose process can be killed. */
    private BrainWorker mortalWorker(KillSwitch kill, String name) {
        return bed.worker(bed.properties().workerId(name).build(), kill.eventLog(bed.eventLog),
                kill.leases(bed.leases), kill.sandboxes(bed.sandboxes), kill.secrets(bed.secrets),
                kill.models(bed.modelClient));
    }

    private static void assertGapless(List<LoggedEvent> events) {
        assertThat(events).extracting(LoggedEvent::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
    }

    @Test
    void resumesAfterAWorkerDiesDuringAModelCallWithoutRepeatingTheStoredResponseOrTheCommand() {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Counting.").withToolCall("bash", "{\"command\":\"echo ran >> count.txt\"}"),
                ScriptedTurn.hanging(),
                ScriptedTurn.text("Finished after the restart.")).onExhausted(ModelScript.Exhaustion.ERROR));
        KillSwitch kill = new KillSwitch();
        mortalWorker(kill, "doomed");
        SessionId id = bed.start("Count once", ModelProvider.ANTHROPIC);
        SandboxId sandbox = bed.setups.load(id).orElseThrow().sandbox().id();

        bed.models.awaitRequests(2, Testbed.PATIENCE);
        kill.pull();
        bed.worker(bed.properties().workerId("successor").build());
        bed.awaitIdle(id);

        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(3);
        RecordedRequest resumed = requests.get(2);
        assertThat(resumed.assistantMessageCount()).isEqualTo(1);
        assertThat(resumed.toolCallIds()).isEqualTo(requests.get(1).toolCallIds());
        assertThat(resumed.toolResults()).hasSize(1);
        assertThat(bed.readFile(sandbox, "count.txt")).isEqualTo("ran\n");
        List<LoggedEvent> events = bed.events(id);
        assertGapless(events);
        assertThat(events).extracting(LoggedEvent::type).containsExactly("session.started", "user.message",
                "run.started", "agent.message", "command.run", "command.exited", "runtime.restarted",
                "agent.message", "session.idle");
        assertThat(((RuntimeRestarted) events.get(6).event()).resumedFromSeq()).isEqualTo(6);
    }

    @Test
    void aMessageTheStoredResponseNeverSawIsStillAnsweredAfterTheWorkerDies() {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Hello.").withDelay(Duration.ofMillis(1500)),
                ScriptedTurn.hanging(),
                ScriptedTurn.text("Now the late one too.")).onExhausted(ModelScript.Exhaustion.ERROR));
        KillSwitch kill = new KillSwitch();
        mortalWorker(kill, "doomed");
        SessionId id = bed.start("Say hello", ModelProvider.ANTHROPIC);

        bed.models.awaitRequests(1, Testbed.PATIENCE);
        bed.eventLog.append(id, new UserMessage("One more thing"));
        // the doomed worker stores the answer it never sent the late message, asks again, and dies
        bed.models.awaitRequests(2, Testbed.PATIENCE);
        kill.pull();
        bed.worker(bed.properties().workerId("successor").build());
        bed.awaitIdle(id);

        List<LoggedEvent> events = bed.events(id);
        assertGapless(events);
        assertThat(events).extracting(LoggedEvent::type).containsExactly("session.started", "user.message",
                "run.started", "user.message", "agent.message", "runtime.restarted", "agent.message", "session.idle");
        assertThat(((AgentMessage) events.get(4).event()).inputSeq()).as("the first answer saw only seq 2")
                .isEqualTo(2L);
        assertThat(((AgentMessage) events.get(6).event()).inputSeq()).isEqualTo(4L);
        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(2).assistantTexts()).containsExactly("Hello.");
        assertThat(requests.get(2).lastUserText()).isEqualTo("One more thing");
    }

    @Test
    void resumesAfterAWorkerDiesDuringACommandAndAnswersItAsInterruptedWithoutRunningItAgain() {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Working.").withToolCall("bash",
                        "{\"command\":\"echo started >> count.txt; sleep 600; echo finished >> count.txt\"}"),
                ScriptedTurn.text("Noted: {{lastToolResult}}")).onExhausted(ModelScript.Exhaustion.ERROR));
        KillSwitch kill = new KillSwitch();
        mortalWorker(kill, "doomed");
        SessionId id = bed.start("Count while working", ModelProvider.OPENAI);
        SandboxId sandbox = bed.setups.load(id).orElseThrow().sandbox().id();
        bed.await(() -> {
            try {
                return bed.readFile(sandbox, "count.txt").equals("started\n");
            } catch (SandboxFileNotFoundException e) {
                return false;
            }
        }, "the command to start");

        kill.pull();
        bed.worker(bed.properties().workerId("successor").build());
        bed.awaitIdle(id);

        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).toolResults().values())
                .containsExactly("Error: " + OpenCalls.INTERRUPTED);
        assertThat(bed.readFile(sandbox, "count.txt")).isEqualTo("started\n");
        assertThat(bed.sh(sandbox, "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done | "
                + "grep -c 'sleep 60[0]'").strip()).as("the command left behind was killed").isEqualTo("0");
        List<LoggedEvent> events = bed.events(id);
        assertGapless(events);
        assertThat(events).extracting(LoggedEvent::type).containsExactly("session.started", "user.message",
                "run.started", "agent.message", "command.run", "runtime.restarted", "tool.result",
                "agent.message", "session.idle");
        ToolResult interrupted = (ToolResult) events.get(6).event();
        assertThat(interrupted.error()).isTrue();
        assertThat(interrupted.name()).isEqualTo("bash");
    }

    @Test
    void aRunWhoseDatabaseLostAcknowledgedAppendsStartsAgainFromTheLogAsStored() throws Exception {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Step one.").withToolCall("bash", "{\"command\":\"echo one >> steps.txt\"}"),
                ScriptedTurn.text("Step two.").withToolCall("bash",
                        "{\"command\":\"while [ ! -f go ]; do sleep 0.1; done; echo two >> steps.txt\"}"),
                ScriptedTurn.text("Done after the rewind.")).onExhausted(ModelScript.Exhaustion.ERROR));
        bed.worker(bed.properties().workerId("rewound").build());
        SessionId id = bed.start("Two steps", ModelProvider.ANTHROPIC);
        SandboxId sandbox = bed.setups.load(id).orElseThrow().sandbox().id();
        bed.awaitEvent(id, e -> e.event() instanceof dev.opencomputer.session.CommandRun run
                && run.command().contains("go"), "the second command");
        long keep = bed.events(id).stream().filter(e -> e.type().equals("command.exited")).findFirst().orElseThrow()
                .seq();
        // what a PostgreSQL crash without synchronous commit does: acknowledged commits are gone
        try (var connection = bed.pool.getConnection(); var statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate("DELETE FROM session_events WHERE session_id = '" + id + "' AND seq > " + keep);
            statement.executeUpdate("UPDATE sessions SET last_seq = " + keep + " WHERE id = '" + id + "'");
            connection.commit();
        }
        bed.sandboxes.writeFile(sandbox, dev.opencomputer.sandbox.WorkspacePath.parse("go"), new byte[0]);

        bed.awaitEvent(id, e -> e.event() instanceof AgentMessage m && m.text().contains("Done after the rewind."),
                "the answer of the run that resumed from the log");
        bed.awaitIdle(id);
        List<LoggedEvent> events = bed.events(id);
        assertGapless(events);
        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests.get(2).assistantMessageCount()).as("the third call knows only the stored first step")
                .isEqualTo(1);
        assertThat(events.stream().filter(e -> e.type().equals("tool.result") || e.type().equals("command.exited"))
                .count()).as("no call answered again and again (the finding: six tool.results in a row)")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void aWorkerThatLostItsLeaseStopsAtOnceAndCannotAppend() {
        bed = new Testbed(ModelScript.of(ScriptedTurn.hanging(), ScriptedTurn.text("Back."))
                .onExhausted(ModelScript.Exhaustion.ERROR));
        BrainWorker worker = bed.worker(bed.properties().workerId("first").build());
        SessionId id = bed.start("Think for a long time", ModelProvider.ANTHROPIC);
        bed.models.awaitRequests(1, Testbed.PATIENCE);
        long token = bed.leaseToken(id);

        // another worker takes the session over, as it would after a network partition
        bed.execute("UPDATE sessions SET lease_owner = 'thief', lease_token = lease_token + 1, "
                + "lease_expires_at = clock_timestamp() + interval '1 hour' WHERE id = '" + id + "'");
        bed.await(() -> worker.activeSessions().isEmpty(), "the first worker to stop the run");

        assertThat(bed.types(id)).containsExactly("session.started", "user.message", "run.started");
        assertThatThrownBy(() -> bed.eventLog.append(id, List.of(new RunStarted()), token))
                .isInstanceOf(StaleFencingTokenException.class);
        assertThat(bed.leases.release("first", new Lease(id, token, dev.opencomputer.session.SessionStatus.RUNNING,
                0))).isFalse();
        assertThat(bed.leaseOwner(id)).isEqualTo("thief");

        // the thief disappears; the session is resumed once its lease is gone
        bed.execute("UPDATE sessions SET lease_owner = NULL, lease_expires_at = NULL WHERE id = '" + id + "'");
        bed.awaitIdle(id);
        assertThat(bed.types(id)).containsExactly("session.started", "user.message", "run.started",
                "runtime.restarted", "agent.message", "session.idle");
        assertThat(bed.models.requests()).hasSize(2);
    }

    @Test
    void closingAWorkerHandsItsSessionsOverWithoutWaitingForTheLeaseToExpire() {
        bed = new Testbed(ModelScript.of(ScriptedTurn.hanging(), ScriptedTurn.text("Picked up."))
                .onExhausted(ModelScript.Exhaustion.ERROR));
        BrainProperties slow = bed.properties().leaseDuration(Duration.ofMinutes(5))
                .heartbeatInterval(Duration.ofSeconds(10)).build();
        BrainWorker first = bed.worker(slow.toBuilder().workerId("first").build());
        SessionId id = bed.start("Think it over", ModelProvider.OPENAI);
        bed.models.awaitRequests(1, Testbed.PATIENCE);

        long closing = System.nanoTime();
        first.close();
        assertThat(bed.leaseOwner(id)).isNull();
        bed.worker(slow.toBuilder().workerId("second").build());
        bed.awaitIdle(id);

        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(30));
        assertThat(bed.types(id)).containsExactly("session.started", "user.message", "run.started",
                "runtime.restarted", "agent.message", "session.idle");
    }

    @Test
    void aSandboxKilledDuringACommandIsRestartedOnItsWorkspaceAndTheRunGoesOn() {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Starting.").withToolCall("bash", "{\"command\":\"echo before >> log.txt; sleep 600\"}"),
                ScriptedTurn.text("Again.").withToolCall("bash", "{\"command\":\"cat log.txt; echo after >> log.txt\"}"),
                ScriptedTurn.text("Done.")).onExhausted(ModelScript.Exhaustion.ERROR));
        bed.worker(bed.properties().build());
        SessionId id = bed.start("Survive a kill", ModelProvider.ANTHROPIC);
        SandboxId sandbox = bed.setups.load(id).orElseThrow().sandbox().id();
        bed.await(() -> {
            try {
                return bed.readFile(sandbox, "log.txt").equals("before\n");
            } catch (SandboxFileNotFoundException e) {
                return false;
            }
        }, "the command to start");

        // Podman answers a kill only once it has cleaned up (some 20 s later); the brain does not wait for that
        CompletableFuture.runAsync(() -> {
            try (DockerClient engine = engine()) {
                engine.killContainerCmd("oc-" + sandbox).exec();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        bed.awaitIdle(id);

        List<LoggedEvent> events = bed.events(id);
        assertGapless(events);
        assertThat(events).extracting(LoggedEvent::type).containsExactly("session.started", "user.message",
                "run.started", "agent.message", "command.run", "runtime.crashed", "runtime.restarted",
                "command.exited", "agent.message", "command.run", "command.exited", "agent.message", "session.idle");
        RuntimeCrashed crashed = (RuntimeCrashed) events.get(5).event();
        assertThat(crashed.exitCode()).isEqualTo(137);
        assertThat(((RuntimeRestarted) events.get(6).event()).resumedFromSeq()).isEqualTo(6);
        CommandExited killed = (CommandExited) events.get(7).event();
        assertThat(killed.output()).contains("the sandbox died while the command ran");
        CommandExited after = (CommandExited) events.get(10).event();
        assertThat(after.exitCode()).isZero();
        assertThat(after.output()).isEqualTo("before\n");
        assertThat(bed.readFile(sandbox, "log.txt")).isEqualTo("before\nafter\n");
        assertThat(bed.sandboxes.inspect(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(bed.models.requests().get(1).lastToolResult()).contains("restarted on the same workspace");
    }

    private static DockerClient engine() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestEngine.dockerHost())
                .build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(TestEngine.dockerHost())).build());
    }
}
