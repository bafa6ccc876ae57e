package dev.opencomputer.brain;

import dev.opencomputer.brain.acp.AcpConnection;
import dev.opencomputer.brain.acp.AcpException;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.McpServerFailed;
import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RuntimeCrashed;
import dev.opencomputer.session.RuntimePrompted;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * An ACP runtime: the agent is a process in the session's sandbox ({@link AcpProcess}), the brain its
 * ACP client. A step starts the agent when it does not run (initialise, then {@code session/load} of
 * its own session when it had one and can, else {@code session/new}; {@code runtime.ready}), then
 * prompts it with the user messages it was not sent yet ({@code runtime.prompted} first, so they are
 * never sent twice) — or, when a restart cut its turn, with one note saying so — and tells the turn
 * as our events ({@link AcpTurn}) until the prompt's answer ends it with {@code agent.message}.
 * A stop (cancel, watchdog, shutdown) sends {@code session/cancel} and kills the process when it does
 * not stop within the grace period; a process that died is restarted and its turn continued.
 */
final class AcpRuntime implements AgentRuntime {

    private static final Logger log = LoggerFactory.getLogger(AcpRuntime.class);
    static final String CONTINUE = "[OpenComputer] Your previous turn was interrupted by a runtime restart before "
            + "it finished; its outcome is unknown. Check the state of the workspace, then continue the task.";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /** The Claude agent's tool that asks to leave its plan mode. */
    private static final String EXIT_PLAN_MODE = "ExitPlanMode";

    /** What the run thread waits for while a prompt runs. */
    private sealed interface Inbox {
    }

    private record Update(JsonNode params) implements Inbox {
    }

    private record Done(JsonNode result, Throwable failure) implements Inbox {
    }

    /** The agent asks whether it may run a tool call. */
    private record Asked(AcpPermissions.Ask ask) implements Inbox {
    }

    /** The log may hold an answer to a waiting permission request. */
    private record LogMoved() implements Inbox {
    }

    /** The gateway refused a model call of the turn: the session's budget is exhausted. */
    private record OverBudget() implements Inbox {
    }

    /** How often a run waiting for a person reads the log even when no answer was signalled. */
    private static final Duration ANSWER_POLL = Duration.ofSeconds(10);

    private final RunScope run;
    private final AcpRuntimes acp;
    private final RuntimeDefinition runtime;
    private final BrainToolStep brainTools;
    private final AcpTranscript transcript = new AcpTranscript();
    private final LinkedBlockingQueue<Inbox> inbox = new LinkedBlockingQueue<>();
    private final AcpPermissions permissions;
    private AnswerWatch answers;
    private final java.util.concurrent.atomic.AtomicReference<BudgetExhausted> refused =
            new java.util.concurrent.atomic.AtomicReference<>();
    private AutoCloseable budgetGuard;
    private AcpModes modes = new AcpModes();
    private Optional<SessionEvent> unprepared;
    private AcpProcess process;
    private String agentSessionId;
    private boolean prime;
    private volatile boolean loading;
    private int starts;

    AcpRuntime(RunScope run, AcpRuntimes acp, RuntimeDefinition runtime) {
        this.run = run;
        this.acp = acp;
        this.runtime = runtime;
        this.brainTools = new BrainToolStep(run);
        this.permissions = new AcpPermissions(new PermissionGate(run.setup().agent().permissions(),
                () -> run.log().conversation().waits(), run.context().clock(), run.context().random()));
    }

    @Override
    public Optional<SessionEvent> step(Conversation conversation) {
        if (unprepared == null) {
            unprepared = brainTools.prepare();
        }
        if (unprepared.isPresent()) {
            return unprepared;
        }
        if (process != null && process.running()
                && !process.model().equals(conversation.model(run.setup().agent().model()))) {
            // the live config names another model: a new process gets a token that allows it, then loads its session
            log.info("agent of {} restarts for the model {}", run.log().session(),
                    conversation.model(run.setup().agent().model()));
            process.close();
            process = null;
        }
        if (process == null || !process.running()) {
            Optional<SessionEvent> failed = startAgent(conversation);
            if (failed.isPresent()) {
                return failed;
            }
        }
        return prompt(conversation);
    }

    @Override
    public void close() {
        backInside();
        permissions.cancelAll();
        unguard();
        if (process != null) {
            process.close();
            process = null;
        }
        try {
            transcript.drain().ifPresent(rest -> run.log().append(rest)); // the cancel's messages, say
        } catch (RuntimeException e) {
            log.debug("the last ACP messages of {} are not stored: {}", run.log().session(), e.toString());
        }
    }

    private Optional<SessionEvent> prompt(Conversation conversation) {
        List<String> texts = conversation.unpromptedUserTexts();
        boolean continuation = texts.isEmpty();
        String text = continuation ? CONTINUE : String.join("\n\n", texts);
        if (prime) {
            text = AcpPriming.prime(conversation) + text;
            prime = false;
        }
        long inputSeq = conversation.lastUserTurnSeq();
        applyMode(conversation);
        AcpTurn turn = new AcpTurn(run.log(), run.setup(), transcript);
        turn.append(new RuntimePrompted(agentSessionId, inputSeq, continuation));
        inbox.clear();
        acp.usage().take(run.log().session()); // what was counted before this turn (a side call) is not its usage
        guardBudget();
        CompletableFuture<JsonNode> answer = process.connection().request("session/prompt", Map.of(
                "sessionId", agentSessionId, "prompt", List.of(Map.of("type", "text", "text", text))));
        answer.whenComplete((result, failure) -> inbox.add(new Done(result, failure)));
        while (true) {
            Inbox item = run.signals().await(this::next, this::abandon);
            switch (item) {
                case Update update -> {
                    if (agentSessionId.equals(update.params().path("sessionId").asString(agentSessionId))) {
                        JsonNode body = update.params().path("update");
                        if ("current_mode_update".equals(body.path("sessionUpdate").asString(""))) {
                            modes.switched(body.path("currentModeId").asString(null));
                        }
                        turn.update(body);
                    }
                }
                case Asked asked -> asked(asked.ask(), turn);
                case LogMoved moved -> answered(turn);
                case OverBudget over -> {
                    log.info("the gateway refused a model call of {}: budget exhausted; cancelling the turn",
                            run.log().session());
                    process.connection().notify("session/cancel", Map.of("sessionId", agentSessionId));
                }
                case Done done -> {
                    backInside();
                    permissions.cancelAll();
                    Optional<SessionEvent> end = ended(conversation, turn, inputSeq, done);
                    BudgetExhausted over = refused.getAndSet(null);
                    if (over != null && (end.isEmpty() || end.get() instanceof SessionFailed)) {
                        return Optional.of(over); // the turn's usage is in its agent.message; the run ends exhausted
                    }
                    return end;
                }
            }
        }
    }

    /**
     * Puts the agent's session in the mode the live config names ({@code session/set_mode}), when the
     * agent offers a match and is not in it yet; an agent that refuses keeps its mode.
     */
    private void applyMode(Conversation conversation) {
        String target = modes.switchTo(conversation.mode());
        if (target == null) {
            return;
        }
        try {
            await(process.connection().request("session/set_mode", Map.of("sessionId", agentSessionId,
                    "modeId", target)));
            modes.switched(target);
            log.info("agent of {} switched to its mode {}", run.log().session(), target);
        } catch (AcpException | TimeoutException e) {
            log.info("agent of {} cannot switch to its mode {}: {}", run.log().session(), target, e.getMessage());
        }
    }

    /**
     * Has the gateway check this turn's model calls against the session's budget (folded from the log
     * now, plus what the gateway counts during the turn): a call past a limit is refused, and the turn
     * is cancelled and the run ends with {@code budget.exhausted}, as a native run stops before a model
     * call.
     */
    private void guardBudget() {
        unguard();
        refused.set(null);
        Budget budget = Budget.load(run.context().eventLog(), run.log().session(), run.setup().agent().budget(),
                run.context().prices());
        if (budget.limits().equals(dev.opencomputer.session.BudgetLimits.NONE)) {
            return;
        }
        java.time.Clock clock = run.context().clock();
        budgetGuard = acp.gateway().budgets().guard(run.log().session(), (model, uncounted) -> {
            Optional<BudgetExhausted> over;
            synchronized (budget) {
                over = budget.refuses(model, 0, uncounted, clock.instant());
            }
            over.ifPresent(exhausted -> {
                if (refused.compareAndSet(null, exhausted)) {
                    inbox.add(new OverBudget());
                }
            });
            return over.map(e -> "the session's " + e.kind() + " budget is exhausted (" + e.used() + " of "
                    + e.limit() + ")");
        });
    }

    private void unguard() {
        if (budgetGuard != null) {
            try {
                budgetGuard.close();
            } catch (Exception e) {
                log.debug("removing the budget guard of {} failed: {}", run.log().session(), e.toString());
            }
            budgetGuard = null;
        }
    }

    private Inbox next() throws InterruptedException {
        if (!permissions.waiting()) {
            return inbox.take();
        }
        Inbox item = inbox.poll(ANSWER_POLL.toMillis(), TimeUnit.MILLISECONDS);
        return item == null ? new LogMoved() : item;
    }

    /**
     * The agent asks to run a tool call: the gate answers at once, or the request is appended
     * ({@code permission.requested}, the session is {@code waiting}) and the run waits for the answer
     * with its lease and the agent's process kept, its limits suspended.
     */
    private void asked(AcpPermissions.Ask ask, AcpTurn turn) {
        String tool = Optional.ofNullable(turn.toolName(ask.callId())).orElse(ask.title());
        if (EXIT_PLAN_MODE.equals(tool) && PlanMode.NAME.equals(run.log().conversation().mode())) {
            // the session is in plan mode (its live config): the agent may not leave it on its own
            permissions.reject(ask);
            return;
        }
        Optional<PermissionRequested> request = permissions.decide(ask, tool);
        if (request.isEmpty()) {
            return;
        }
        if (run.log().conversation().waits().approvalOf(ask.callId()).isEmpty()) {
            turn.append(request.get());
        }
        if (answers == null) {
            run.log().watchdog().waitingOutside(true);
            answers = AnswerWatch.start(run.context().eventLog(), run.log().session(), run.log().conversation()
                    .lastSeq(), () -> inbox.add(new LogMoved()));
            log.info("agent of {} waits for a person to answer {} ({})", run.log().session(),
                    request.get().requestId(), tool);
        }
    }

    /** The log may hold answers: each answered request is decided; when none waits any more, the run goes on. */
    private void answered(AcpTurn turn) {
        run.log().catchUp();
        if (answers == null || !permissions.recheck()) {
            return;
        }
        backInside();
        turn.append(new RunStarted()); // as a native run does after an answer: running time counts again
        Watchdog watchdog = run.log().watchdog();
        watchdog.runBegan(run.log().conversation().runStartedAt());
        java.time.Instant now = run.context().clock().instant();
        watchdog.budgetDeadline(run.budget().runTimeDeadline(now).orElse(null),
                run.budget().limits().limit(dev.opencomputer.session.BudgetKind.RUN_TIME).orElse(null));
    }

    /** No request waits for a person (any more): the answer watch ends and the limits apply again. */
    private void backInside() {
        if (answers != null) {
            answers.close();
            answers = null;
            run.log().watchdog().waitingOutside(false);
        }
    }

    private Optional<SessionEvent> ended(Conversation conversation, AcpTurn turn, long inputSeq, Done done) {
        if (done.failure() == null) {
            String stopReason = done.result().path("stopReason").asString("end_turn");
            List<SessionEvent> events = new java.util.ArrayList<>(turn.unfinished(stopReason));
            events.add(turn.message(conversation.model(run.setup().agent().model()), stopReason,
                    acp.usage().take(run.log().session()).tokens(), inputSeq));
            turn.append(events.toArray(SessionEvent[]::new));
            starts = 0;
            return Optional.empty();
        }
        Throwable failure = done.failure() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : done.failure();
        if (failure instanceof AcpException e && e.code() == AcpException.CONNECTION_CLOSED) {
            turn.append();
            recover();
            return Optional.empty();
        }
        turn.append();
        return Optional.of(new SessionFailed("agent_error", "the agent answered the prompt with an error: "
                + failure.getMessage()));
    }

    /** The agent's process ended under a turn: its sandbox is brought back if it died, then the agent restarts. */
    private void recover() {
        AcpProcess dead = process;
        process = null;
        dead.close();
        if (!sandboxRunning()) {
            run.sandbox().restart();
            return;
        }
        String why = "the agent's process ended" + (dead.exitCode() == null ? "" : " with exit code "
                + dead.exitCode()) + (dead.stderrTail().isEmpty() ? "" : ": " + dead.stderrTail());
        log.info("agent of {} ended mid-turn ({}); restarting it", run.log().session(), why);
        run.log().append(new RuntimeCrashed(why, dead.exitCode()));
        run.log().append(new RuntimeRestarted(run.log().conversation().lastSeq()));
    }

    private boolean sandboxRunning() {
        try {
            SandboxState state = run.context().sandboxes().inspect(run.setup().sandbox().id());
            return state.running();
        } catch (SandboxException e) {
            return false;
        }
    }

    /** Told to stop while a prompt runs: {@code session/cancel}, and a kill if it does not stop in time. */
    private void abandon() {
        AcpProcess current = process;
        if (current == null) {
            return;
        }
        backInside();
        permissions.cancelAll(); // ACP: a cancelled turn's open permission requests are answered "cancelled"
        RunSignals.Stop reason = run.signals().reason();
        boolean gentle = reason == RunSignals.Stop.CANCELLED || reason == RunSignals.Stop.STUCK;
        if (gentle && agentSessionId != null) {
            current.connection().notify("session/cancel", Map.of("sessionId", agentSessionId));
            long deadline = System.nanoTime() + acp.cancelGrace().toNanos();
            while (System.nanoTime() < deadline) {
                Inbox item;
                try {
                    item = inbox.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (item instanceof Done) {
                    return; // the agent stopped its turn: it stays up for the next prompt
                }
                if (item instanceof Asked asked) {
                    asked.ask().reply().complete(AcpPermissions.outcome(null));
                }
            }
            log.info("agent of {} did not stop within {} after session/cancel; killing it", run.log().session(),
                    acp.cancelGrace());
        }
        process = null;
        current.close();
    }

    private Optional<SessionEvent> startAgent(Conversation conversation) {
        if (process != null) {
            recover();
        }
        if (++starts > run.context().properties().maxRestarts() + 1) {
            return Optional.of(new SessionFailed("agent_crashed", "the agent's process ended " + (starts - 1)
                    + " times in a row without finishing a turn"));
        }
        log.info("starting agent {} of {} (start {})", runtime.name(), run.log().session(), starts);
        if (starts == 1) {
            for (McpServer.Http remote : AcpSessionParams.remoteServers(run.setup())) {
                run.log().append(new McpServerFailed(remote.name(), "remote MCP servers are not offered to ACP "
                        + "agents: their headers are secrets, which never enter the sandbox, and the sandbox has no "
                        + "network; use a stdio server, or the native runtime"));
            }
        }
        try {
            process = AcpProcess.start(run, acp, runtime, new Peer());
        } catch (SandboxException | IllegalStateException e) {
            return Optional.of(new SessionFailed("agent_start_failed", "the agent could not be started: "
                    + e.getMessage()));
        }
        AcpConnection connection = process.connection();
        try {
            JsonNode init = await(connection.request("initialize", Map.of("protocolVersion", 1,
                    "clientCapabilities", Map.of("fs", Map.of("readTextFile", false, "writeTextFile", false),
                            "terminal", false),
                    "clientInfo", Map.of("name", "opencomputer", "version", "0.1.0"))));
            JsonNode capabilities = init.path("agentCapabilities");
            String previous = conversation.agentSessionId();
            Map<String, Object> params = AcpSessionParams.of(run.setup(), conversation);
            JsonNode session = null;
            boolean resumed = false;
            if (previous != null && capabilities.path("loadSession").asBoolean(false)) {
                loading = true;
                try {
                    session = await(connection.request("session/load", with(params, "sessionId", previous)));
                    agentSessionId = previous;
                    resumed = true;
                } catch (AcpException e) {
                    log.info("agent of {} cannot load its session {} ({}); starting a fresh one", run.log().session(),
                            previous, e.getMessage());
                } finally {
                    loading = false;
                }
            }
            if (!resumed) {
                session = await(connection.request("session/new", params));
                agentSessionId = session.path("sessionId").asString();
                prime = previous != null || conversation.runSteps() > 0 || AcpPriming.hasHistory(conversation);
            }
            modes = new AcpModes();
            modes.opened(session.path("modes"));
            selectModel(connection, conversation);
            log.info("agent {} of {} ready in its session {} ({})", runtime.name(), run.log().session(), agentSessionId,
                    resumed ? "loaded" : "new");
            new AcpTurn(run.log(), run.setup(), transcript).append(AcpSessionParams.ready(runtime.name(), init, session,
                    agentSessionId, resumed));
            return Optional.empty();
        } catch (AcpException | TimeoutException e) {
            String tail = process.stderrTail();
            process.close();
            process = null;
            return Optional.of(new SessionFailed("agent_start_failed", "the agent did not start: " + e.getMessage()
                    + (tail.isEmpty() ? "" : " (stderr: " + tail + ")")));
        }
    }

    /**
     * Makes the agent's session use the agent's model (the session's live override first): an agent
     * picks its own default otherwise, which the gateway's allow-list would refuse. An agent without
     * {@code session/set_model} keeps its choice (the model variables it got may still apply).
     */
    private void selectModel(AcpConnection connection, Conversation conversation) throws TimeoutException {
        try {
            await(connection.request("session/set_model", Map.of("sessionId", agentSessionId,
                    "modelId", conversation.model(run.setup().agent().model()))));
        } catch (AcpException e) {
            log.debug("agent of {} cannot set its model: {}", run.log().session(), e.getMessage());
        }
    }

    private static Map<String, Object> with(Map<String, Object> params, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(params);
        copy.put(key, value);
        return copy;
    }

    private JsonNode await(CompletableFuture<JsonNode> answer) throws TimeoutException {
        AcpProcess current = process;
        try {
            return run.signals().await(() -> {
                try {
                    return answer.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AcpException a ? a : new AcpException(-32603,
                            String.valueOf(e.getCause()));
                }
            }, current::kill);
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + START_TIMEOUT.toSeconds() + " s");
        }
    }

    /** The brain's side of the agent's messages. */
    private final class Peer implements AcpConnection.Peer {
        @Override
        public void notified(String method, JsonNode params) {
            if (method.equals("session/update") && !loading) {
                inbox.add(new Update(params));
            }
        }

        @Override
        public JsonNode requested(String method, JsonNode params) {
            if (method.equals("session/request_permission")) {
                AcpPermissions.Ask ask = AcpPermissions.Ask.of(params);
                permissions.register(ask);
                inbox.add(new Asked(ask));
                try {
                    return ask.reply().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return AcpPermissions.outcome(null);
                } catch (ExecutionException e) {
                    return AcpPermissions.outcome(null);
                }
            }
            throw new AcpException(-32601, "the client does not offer " + method);
        }

        @Override
        public void transcribe(boolean inbound, JsonNode message) {
            if (loading && inbound && "session/update".equals(message.path("method").asString(""))) {
                return; // the replay of a loaded session: already in the transcript once
            }
            transcript.add(inbound, message);
        }
    }
}
