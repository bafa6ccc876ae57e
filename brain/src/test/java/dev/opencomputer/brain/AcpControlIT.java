package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.postgres.PostgresGatewayTokens;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.RuntimeReady;
import dev.opencomputer.session.RuntimeTranscript;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.TestEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Steering, cancel and a worker's death while the real Claude agent works, as for {@code native}. */
class AcpControlIT {

    private Testbed bed;
    private GatewayTokens tokens;
    private ModelGateway gateway;
    private AcpRuntimes acp;
    private SandboxSpec sandbox;
    private BrainWorker doomed;

    private void start(String script) {
        bed = new Testbed(ModelScript.parse(script));
        tokens = new PostgresGatewayTokens(bed.pool(), Clock.systemUTC());
        GatewayUsage usage = new GatewayUsage();
        gateway = new ModelGateway(id -> Optional.of(bed.socketDir.resolve(id.value())), tokens, bed.secrets,
                provider -> new ModelEndpoint(provider, bed.models.anthropicBaseUrl()), usage, "gateway:it");
        acp = new AcpRuntimes(RuntimeCatalogue.builtIn(), gateway, tokens, usage, Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        if (doomed != null) {
            doomed.close();
        }
        if (bed != null) {
            bed.models.releaseHangs();
            bed.close();
            gateway.close();
        }
    }

    private SessionId session(String input) {
        sandbox = SandboxSpec.of(SandboxId.next(Instant.now()), bed.tenant).withImage(TestEngine.acpImage());
        bed.sandboxes.create(sandbox);
        AgentSetup agent = new AgentSetup(AgentId.next(Instant.now()), 1, ModelProvider.ANTHROPIC, "claude-sonnet-4-6",
                null, "You are a test agent.", Testbed.CREDENTIAL, EnumSet.allOf(AgentTool.class),
                Duration.ofMinutes(10), 50, "claude-agent-sdk", false);
        return bed.start(input, new SessionSetup(bed.tenant, agent, sandbox, Map.of(), null, null));
    }

    /**
     * Requests of the session's conversation: those whose user texts mention {@code input} (a loaded
     * session's first message is a reminder of Claude Code's, so the model server counts it as another
     * conversation; the scripts here use one global cursor).
     */
    private List<RecordedRequest> conversation(String input) {
        return bed.models.requests().stream().filter(r -> r.userTexts().stream().anyMatch(t -> t.contains(input)))
                .toList();
    }

    @Test
    void aMessageQueuedDuringATurnIsPromptedWhenTheTurnEnds() {
        start("""
                {"turns": [{"text": "one two three four five six seven eight", "deltaDelayMs": 400},
                           {"text": "Noted the follow-up."}]}""");
        bed.worker(bed.properties().build(), acp);
        SessionId id = session("First question");
        bed.awaitEvent(id, "runtime.prompted");
        bed.await(() -> !conversation("First question").isEmpty(), "the first upstream call");
        bed.eventLog.append(id, new UserMessage("And a follow-up"));
        bed.await(() -> bed.types(id).stream().filter("agent.message"::equals).count() == 2, "two turns");
        bed.awaitIdle(id);

        assertThat(bed.types(id)).containsSubsequence("runtime.prompted", "user.message", "agent.message",
                "runtime.prompted", "agent.message", "session.idle");
        RecordedRequest last = conversation("First question").getLast();
        assertThat(last.lastUserText()).contains("And a follow-up");
    }

    @Test
    void cancelSendsSessionCancelEndsTheRunAndTheNextMessageResumesTheAgentsOwnSession() {
        start("""
                {"cursor": "global", "turns": [{"hang": true}, {"text": "Back again."}]}""");
        bed.worker(bed.properties().build(), acp);
        SessionId id = session("Do something slow");
        bed.await(() -> !conversation("Do something slow").isEmpty(), "the hanging upstream call");
        bed.eventLog.append(id, new RunCancelled("requested"));
        bed.await(() -> bed.leaseOwner(id) == null, "the cancelled run released");
        bed.models.releaseHangs();

        bed.eventLog.append(id, new UserMessage("Never mind, say hi"));
        bed.await(() -> bed.types(id).contains("agent.message"), () -> "the next turn; the log: " + bed.types(id)
                + "; upstream: " + bed.models.requests().stream().map(r -> r.turn() + ":" + r.lastUserText()).toList());
        bed.awaitIdle(id);
        // the cancel's own messages are stored with the next append (here the next prompt)
        assertThat(bed.events(id)).anyMatch(e -> e.event() instanceof RuntimeTranscript t && t.lines().stream()
                .anyMatch(line -> String.valueOf(line.get("message")).contains("session/cancel")));
        assertThat(bed.types(id)).containsSubsequence("runtime.ready", "runtime.prompted", "run.cancelled",
                "user.message", "run.started", "runtime.prompted", "agent.message", "session.idle");
        List<RuntimeReady> readies = bed.events(id).stream().filter(e -> e.event() instanceof RuntimeReady)
                .map(e -> (RuntimeReady) e.event()).toList();
        assertThat(readies).hasSize(2);
        assertThat(readies.get(1).resumed()).as("the next run loads the agent's session").isTrue();
    }

    @Test
    void afterTheWorkerDiesMidTurnTheAgentIsRestartedLoadsItsSessionAndIsToldItsTurnWasCutNeverPromptedAgain() {
        start("""
                {"cursor": "global", "turns": [{"hang": true}, {"text": "Continuing after the restart."}]}""");
        KillSwitch kill = new KillSwitch();
        doomed = new BrainWorker(bed.properties().workerId("doomed").build(), kill.leases(bed.leases),
                kill.eventLog(bed.eventLog), bed.setups, kill.sandboxes(bed.sandboxes), kill.secrets(bed.secrets),
                kill.models(bed.modelClient), Clock.systemUTC(), BrainTools.NONE, acp).start();
        SessionId id = session("Count to three");
        bed.awaitEvent(id, "runtime.prompted");
        bed.await(() -> !conversation("Count to three").isEmpty(), "the hanging upstream call");
        kill.pull();
        // the dead worker's agent still runs, its call still hangs: the successor kills it before anything
        bed.worker(bed.properties().workerId("successor").build(), acp);
        bed.await(() -> bed.types(id).contains("agent.message"), () -> "the continued turn; the log: "
                + bed.types(id));
        bed.awaitIdle(id);

        List<LoggedEvent> events = bed.events(id);
        List<RuntimeReady> readies = events.stream().filter(e -> e.event() instanceof RuntimeReady)
                .map(e -> (RuntimeReady) e.event()).toList();
        assertThat(readies).hasSize(2);
        assertThat(readies.get(1).resumed()).isTrue();
        assertThat(readies.get(1).agentSessionId()).isEqualTo(readies.get(0).agentSessionId());
        assertThat(bed.types(id)).containsSubsequence("runtime.prompted", "runtime.restarted", "runtime.ready",
                "runtime.prompted", "agent.message", "session.idle");
        List<RecordedRequest> calls = conversation("Count to three");
        assertThat(calls.getLast().lastUserText()).contains("interrupted by a runtime restart");
        assertThat(calls.stream().filter(r -> r.lastUserText().strip().endsWith("Count to three")).count())
                .as("the answered prompt is never sent again").isEqualTo(1);
    }

    @Test
    void whenTheSandboxIsKilledMidTurnItIsRestartedTheAgentLoadsItsSessionAndTheTurnGoesOn() throws Exception {
        start("""
                {"cursor": "global", "turns": [{"hang": true}, {"text": "Continuing after the sandbox came back."}]}""");
        bed.worker(bed.properties().build(), acp);
        SessionId id = session("Build the thing");
        bed.awaitEvent(id, "runtime.prompted");
        bed.await(() -> !conversation("Build the thing").isEmpty(), "the hanging upstream call");
        // session/load can only resume what the agent has written: wait until Claude Code has stored
        // the session under its HOME on the workspace (it writes asynchronously; killed before, the
        // agent starts a fresh session primed with the transcript instead, which is not this test)
        bed.await(() -> bed.sandboxes.run(sandbox.id(), new dev.opencomputer.sandbox.ExecRequest(List.of("/bin/sh",
                "-c", "find " + AcpProcess.STATE_ROOT + " -name '*.jsonl' -size +0 | grep -q ."), null, Map.of(),
                java.time.Duration.ofSeconds(10))).exitCode() == 0, "the agent's stored session");
        var config = com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(TestEngine.dockerHost()).build();
        try (var engine = com.github.dockerjava.core.DockerClientImpl.getInstance(config,
                new com.github.dockerjava.httpclient5.ApacheDockerHttpClient.Builder()
                        .dockerHost(java.net.URI.create(TestEngine.dockerHost())).build())) {
            engine.killContainerCmd("oc-" + sandbox.id().value()).exec(); // SIGKILL, as the OOM killer would
        }
        bed.await(() -> bed.types(id).contains("agent.message"), () -> "the continued turn; the log: "
                + bed.types(id));
        bed.awaitIdle(id);

        assertThat(bed.types(id)).containsSubsequence("runtime.ready", "runtime.prompted", "runtime.crashed",
                "runtime.restarted", "runtime.ready", "runtime.prompted", "agent.message", "session.idle");
        List<RuntimeReady> readies = bed.events(id).stream().filter(e -> e.event() instanceof RuntimeReady)
                .map(e -> (RuntimeReady) e.event()).toList();
        assertThat(readies.getLast().resumed()).isTrue();
        assertThat(conversation("Build the thing").getLast().lastUserText()).contains("interrupted by a runtime restart");
    }
}
