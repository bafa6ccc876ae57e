package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
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
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steering, cancel, a worker's death and a sandbox's death while a real ACP agent works, as for
 * {@code native}: each case for the Claude agent ({@code claude-agent-sdk}, the Messages API) and for
 * codex ({@code codex}, the Responses API).
 */
class AcpControlIT {

    /** An ACP runtime under test: its agent's provider, model and image, and its model server's address. */
    enum Agent {
        CLAUDE(ModelProvider.ANTHROPIC, "claude-sonnet-4-6", "claude-agent-sdk", TestEngine::acpImage,
                ModelServer::anthropicBaseUrl),
        CODEX(ModelProvider.OPENAI, "gpt-5.4", "codex", TestEngine::codexImage, ModelServer::openAiBaseUrl);

        final ModelProvider provider;
        final String model;
        final String runtime;
        final Supplier<String> image;
        final Function<ModelServer, URI> baseUrl;

        Agent(ModelProvider provider, String model, String runtime, Supplier<String> image,
                Function<ModelServer, URI> baseUrl) {
            this.provider = provider;
            this.model = model;
            this.runtime = runtime;
            this.image = image;
            this.baseUrl = baseUrl;
        }
    }

    private Testbed bed;
    private GatewayTokens tokens;
    private ModelGateway gateway;
    private AcpRuntimes acp;
    private SandboxSpec sandbox;
    private BrainWorker doomed;
    private Agent agent;

    private void start(Agent agent, String script) {
        this.agent = agent;
        bed = new Testbed(ModelScript.parse(script));
        tokens = new PostgresGatewayTokens(bed.pool(), Clock.systemUTC());
        GatewayUsage usage = new GatewayUsage();
        gateway = new ModelGateway(id -> Optional.of(bed.socketDir.resolve(id.value())), tokens, bed.secrets,
                provider -> new ModelEndpoint(provider, agent.baseUrl.apply(bed.models)), usage, "gateway:it");
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
        sandbox = SandboxSpec.of(SandboxId.next(Instant.now()), bed.tenant).withImage(agent.image.get());
        bed.sandboxes.create(sandbox);
        AgentSetup setup = new AgentSetup(AgentId.next(Instant.now()), 1, agent.provider, agent.model, null,
                "You are a test agent.", Testbed.CREDENTIAL, EnumSet.allOf(AgentTool.class), Duration.ofMinutes(10),
                50, agent.runtime, false);
        return bed.start(input, new SessionSetup(bed.tenant, setup, sandbox, Map.of(), null, null));
    }

    /**
     * Requests of the session's conversation: those whose user texts mention {@code input} (a loaded
     * Claude session's first message is a reminder of Claude Code's, so the model server counts it as
     * another conversation; the scripts here use one global cursor).
     */
    private List<RecordedRequest> conversation(String input) {
        return bed.models.requests().stream().filter(r -> r.userTexts().stream().anyMatch(t -> t.contains(input)))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource
    void aMessageQueuedDuringATurnIsPromptedWhenTheTurnEnds(Agent agent) {
        start(agent, """
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

    @ParameterizedTest(name = "{0}")
    @EnumSource
    void cancelSendsSessionCancelEndsTheRunAndTheNextMessageResumesTheAgentsOwnSession(Agent agent) {
        start(agent, """
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
        assertThat(bed.events(id)).as("the agent answered session/cancel: its prompt ended cancelled, not killed")
                .anyMatch(e -> e.event() instanceof RuntimeTranscript t && t.lines().stream()
                        .anyMatch(line -> String.valueOf(line.get("message")).contains("stopReason=cancelled")));
        assertThat(bed.types(id)).containsSubsequence("runtime.ready", "runtime.prompted", "run.cancelled",
                "user.message", "run.started", "runtime.prompted", "agent.message", "session.idle");
        List<RuntimeReady> readies = bed.events(id).stream().filter(e -> e.event() instanceof RuntimeReady)
                .map(e -> (RuntimeReady) e.event()).toList();
        assertThat(readies).hasSize(2);
        assertThat(readies.get(1).resumed()).as("the next run loads the agent's session").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource
    void afterTheWorkerDiesMidTurnTheAgentIsRestartedLoadsItsSessionAndIsToldItsTurnWasCutNeverPromptedAgain(Agent agent) {
        start(agent, """
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

    @ParameterizedTest(name = "{0}")
    @EnumSource
    void whenTheSandboxIsKilledMidTurnItIsRestartedTheAgentLoadsItsSessionAndTheTurnGoesOn(Agent agent) throws Exception {
        start(agent, """
                {"cursor": "global", "turns": [{"hang": true}, {"text": "Continuing after the sandbox came back."}]}""");
        bed.worker(bed.properties().build(), acp);
        SessionId id = session("Build the thing");
        bed.awaitEvent(id, "runtime.prompted");
        bed.await(() -> !conversation("Build the thing").isEmpty(), "the hanging upstream call");
        // session/load can only resume what the agent has written: wait until it has stored the session
        // under its HOME on the workspace (Claude Code's session file, codex's rollout, both JSON lines;
        // killed before, the agent starts a fresh session primed with the transcript instead, which is
        // not this test)
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
