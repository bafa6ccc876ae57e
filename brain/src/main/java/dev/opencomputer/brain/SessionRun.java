package dev.opencomputer.brain;

import dev.opencomputer.eventlog.StaleFencingTokenException;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxNotRunningException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.secrets.SecretDecryptionException;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.session.AgentMessageDelta;
import dev.opencomputer.session.AgentThinkingDelta;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.RuntimeCrashed;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import dev.opencomputer.session.SessionWoke;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.ToolCallStarted;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's turn at one session, under one lease: plain imperative code on its own virtual
 * thread. It folds the log into the conversation, marks the run as started (or resumed), and then
 * repeats one step at a time until the model ends its turn — answer tool calls left interrupted,
 * run the calls not yet run, or call the model — re-reading the log before every step, so a
 * message that arrived meanwhile is part of the next model request (steering).
 *
 * <p>Every append carries the lease's fencing token: once another worker has claimed the session
 * nothing more is stored, and the run stops quietly. Whatever is appended is appended before the
 * next thing happens (a tool call's start before the tool runs), so a run that dies at any point
 * can be resumed from the log alone without repeating what finished.
 */
final class SessionRun implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SessionRun.class);

    /** The environment variable marking every process of a tool call with its call id. */
    static final String TOOL_CALL_MARKER = "OC_TOOL_CALL";
    /** What the model is told about a call that started but never ended because its run died. */
    static final String INTERRUPTED = "interrupted by a runtime restart; outcome unknown";
    private static final String SANDBOX_RESTARTED = "it was restarted on the same workspace: files are kept, "
            + "running processes are gone";
    private static final int READ_PAGE = 500;
    /** The live config's mode in which the model may only look, not change anything. */
    static final String PLAN_MODE = "plan";
    private static final String PLAN_NOTE = "\n\nYou are in plan mode: read and list files to understand the task, "
            + "then answer with a plan. Do not change anything; the tools that would are not available.";
    /** What the model is told about a call left without a result by a cancel. */
    static final String CANCELLED = "cancelled";

    /** Why a run was told to stop before its end. */
    enum Stop {
        /** Another worker claimed the session, or the lease could not be renewed in time: append nothing more. */
        LEASE_LOST,
        /** The worker is closing: stop at once and release the lease, so another worker resumes. */
        SHUTDOWN,
        /** A {@code run.cancelled} was appended: abandon what is under way, answer the open calls, go on from the log. */
        CANCELLED,
        /** The watchdog found the run over its time or without progress: answer the open calls, append {@code run.stuck}. */
        STUCK
    }

    /** How a run ended, for the worker. */
    enum Ending {
        /** The run is over (idle, failed, stuck) and its lease released. */
        FINISHED,
        /** The run was stopped for a shutdown and its lease released. */
        RELEASED,
        /** The lease was lost; nothing was appended after that. */
        LOST,
        /** The run broke (database or engine unavailable, a bug); its lease expires and it is resumed then. */
        ABANDONED
    }

    /** Thrown inside the run to unwind it when it was told to stop. */
    private static final class Stopped extends RuntimeException {
        private final Stop reason;

        Stopped(Stop reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }

    /** A model call that cannot be made with the agent's credential. */
    private static final class CredentialProblem extends Exception {
        private final String reason;

        CredentialProblem(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private final BrainWorker worker;
    private final Lease lease;
    private final SessionId id;
    private final Conversation conversation = new Conversation();
    private volatile long renewedAtNanos;
    private volatile SessionSetup setup;
    private SandboxTools tools;
    private boolean over;

    // guarded by this: who runs, whether it waits interruptibly, and whether it was told to stop
    private Thread thread;
    private boolean waiting;
    private boolean done;
    private Stop stop;
    private RunStuck stuck;
    /** The seq of this run's {@code run.started} / {@code runtime.restarted}: a later {@code run.cancelled} cancels it. */
    private volatile long runSeq = Long.MAX_VALUE;
    /** When the run last appended (System.nanoTime), for the no-progress watchdog. */
    private volatile long progressAtNanos;
    /** When the current run began, as the log says, for the watchdog's max duration. */
    private volatile Instant startedAt;
    /** Set while the run ends as stuck, so that the watchdog does not stop it a second time. */
    private volatile boolean windingDown;
    private volatile java.util.concurrent.Flow.Subscription cancelWatch;

    SessionRun(BrainWorker worker, Lease lease, long claimedAtNanos) {
        this.worker = worker;
        this.lease = lease;
        this.id = lease.sessionId();
        this.renewedAtNanos = claimedAtNanos;
        this.progressAtNanos = claimedAtNanos;
    }

    Lease lease() {
        return lease;
    }

    SessionId sessionId() {
        return id;
    }

    long renewedAtNanos() {
        return renewedAtNanos;
    }

    void renewed(long nanos) {
        renewedAtNanos = nanos;
    }

    /**
     * Tells the run to stop: at once if it is waiting (for the model, a command or a backoff; a
     * command is killed), else before it appends anything more. Harmless after the run ended.
     */
    synchronized void stop(Stop reason) {
        if (done) {
            return;
        }
        if (stop == null || (stop == Stop.CANCELLED || stop == Stop.STUCK) && (reason == Stop.LEASE_LOST
                || reason == Stop.SHUTDOWN)) {
            stop = reason;
        }
        if (waiting && thread != null) {
            thread.interrupt();
        }
    }

    /**
     * The watchdog, called from the worker's heartbeat: stops a run (command killed, model call
     * abandoned) that has taken longer than the agent's {@code maxRunTime}, or appended nothing for
     * {@code no-progress-timeout}; it then answers its open calls and appends {@code run.stuck}.
     */
    void watch(long nowNanos) {
        if (windingDown) {
            return;
        }
        SessionSetup loaded = setup;
        Instant started = startedAt;
        RunStuck found = null;
        if (loaded != null && started != null) {
            Duration took = Duration.between(started, worker.clock().instant());
            if (took.compareTo(loaded.agent().maxRunTime()) > 0) {
                found = new RunStuck("max_duration", "the run took " + took.toSeconds() + " s, longer than the agent's "
                        + "limit of " + loaded.agent().maxRunTime().toSeconds() + " s; send a message to go on");
            }
        }
        Duration quiet = Duration.ofNanos(nowNanos - progressAtNanos);
        if (found == null && quiet.compareTo(worker.properties().noProgressTimeout()) > 0) {
            found = new RunStuck("no_progress", "the run appended nothing for " + quiet.toSeconds()
                    + " s (no-progress-timeout); send a message to go on");
        }
        if (found != null) {
            synchronized (this) {
                if (stuck == null) {
                    stuck = found;
                }
            }
            stop(Stop.STUCK);
        }
    }

    /** Subscribes to the session's log so that a {@code run.cancelled} appended on any replica stops this run at once. */
    private void watchForCancel() {
        worker.eventLog().subscribe(id, conversation.lastSeq()).subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                cancelWatch = subscription;
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(dev.opencomputer.eventlog.StreamItem item) {
                if (item.seq() > runSeq && RunCancelled.TYPE.equals(item.type())) {
                    stop(Stop.CANCELLED);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                log.debug("cancel watch of {} ended: {}", id, throwable.toString());
            }

            @Override
            public void onComplete() {
            }
        });
    }

    @Override
    public void run() {
        synchronized (this) {
            thread = Thread.currentThread();
        }
        Ending ending;
        try {
            work();
            ending = release() ? Ending.FINISHED : Ending.LOST;
        } catch (Stopped stopped) {
            ending = releases(stopped.reason) && release() ? Ending.RELEASED : Ending.LOST;
            log.info("run of {} stopped: {}", id, stopped.reason);
        } catch (StaleFencingTokenException e) {
            ending = Ending.LOST;
            log.info("run of {} stopped: another worker holds the session now (token {} > {})", id, e.current(),
                    e.presented());
        } catch (RuntimeException e) {
            Stop reason = stopReason();
            if (reason != null) {
                ending = releases(reason) && release() ? Ending.RELEASED : Ending.LOST;
                log.info("run of {} stopped: {} ({})", id, reason, e.toString());
            } else {
                ending = Ending.ABANDONED;
                log.warn("run of {} broke off; it is resumed once its lease expires", id, e);
            }
        } finally {
            java.util.concurrent.Flow.Subscription watch = cancelWatch;
            if (watch != null) {
                watch.cancel();
            }
            synchronized (this) {
                done = true;
                thread = null;
                Thread.interrupted();
            }
        }
        worker.finished(this, ending);
    }

    /** Whether a run stopped for {@code reason} outside its steps still holds its lease and hands it back. */
    private static boolean releases(Stop reason) {
        return reason != Stop.LEASE_LOST;
    }

    private boolean release() {
        try {
            return worker.leases().release(worker.id(), lease);
        } catch (RuntimeException e) {
            log.warn("cannot release the lease of {}; it expires on its own: {}", id, e.toString());
            return true;
        }
    }

    private void work() {
        catchUp();
        if (conversation.closed()) {
            return;
        }
        Optional<SessionSetup> loaded = worker.setups().load(id);
        if (loaded.isEmpty()) {
            answerPendingCalls("not run: the session's setup is gone");
            append(new SessionFailed("session_setup_missing",
                    "the session's agent version or sandbox no longer exists; it cannot run"));
            return;
        }
        setup = loaded.get();
        tools = new SandboxTools(worker.sandboxes(), setup, worker.properties());
        watchForCancel();
        if (lease.resumes()) {
            log.info("resuming {} from seq {}", id, conversation.lastSeq());
            runSeq = append(new RuntimeRestarted(conversation.lastSeq())).getFirst().seq();
        } else {
            runSeq = append(new RunStarted()).getFirst().seq();
        }
        startedAt = conversation.runStartedAt();
        if (conversation.restartsWithoutProgress() > worker.properties().maxRestarts()) {
            answerPendingCalls("not run: the session failed first");
            append(new SessionFailed("restart_loop", "the run was resumed " + conversation.restartsWithoutProgress()
                    + " times in a row without progress; send a message to try again"));
            return;
        }
        ensureSandbox();
        while (!over) {
            try {
                turn();
            } catch (Stopped stopped) {
                if (stopped.reason == Stop.CANCELLED && clearStop(Stop.CANCELLED)) {
                    log.info("run of {} cancelled", id);
                } else if (stopped.reason == Stop.STUCK && clearStop(Stop.STUCK)) {
                    RunStuck why;
                    synchronized (this) {
                        why = stuck;
                        stuck = null;
                    }
                    windingDown = true;
                    log.info("run of {} stuck: {}", id, why.reason());
                    catchUp();
                    answerStuckCalls("not finished: the run was stopped (" + why.reason() + ")");
                    endRun(why);
                } else {
                    throw stopped;
                }
            }
        }
    }

    /** One step of the run, after re-reading the log. */
    private void turn() {
        checkStop();
        catchUp();
        if (conversation.closed()) {
            over = true;
            return;
        }
        List<ContentBlock.ToolUse> pending = conversation.pendingCalls();
        if (!pending.isEmpty()) {
            answerOrRun(pending.getFirst());
        } else if (conversation.cancelledSeq() > runSeq) {
            // run.cancelled ended this run; a message after it (interrupt mode) starts the next
            if (conversation.needsModel()) {
                runSeq = append(new RunStarted()).getFirst().seq();
                startedAt = conversation.runStartedAt();
            } else {
                over = true;
            }
        } else if (!conversation.needsModel()) {
            endRun(new SessionIdle());
        } else {
            Optional<RunStuck> limit = limitReached();
            if (limit.isPresent()) {
                endRun(limit.get());
            } else {
                step();
            }
        }
    }

    // ------------------------------------------------------------------ the model

    /** One model call (with retries) whose response is stored, or the end of the run when it cannot be made. */
    private void step() {
        ModelRequest request;
        long horizon = conversation.lastSeq();
        try {
            request = request();
        } catch (IllegalArgumentException e) {
            endRun(new SessionFailed("conversation_invalid", "the conversation cannot be sent: " + e.getMessage()));
            return;
        }
        ModelRetryPolicy policy = worker.properties().retry().policy();
        for (int attempt = 1; ; attempt++) {
            try {
                ModelResponse response = callOnce(request);
                conversation.respondingTo(horizon);
                append(Conversation.message(response));
                return;
            } catch (CredentialProblem problem) {
                endRun(new SessionFailed(problem.reason, problem.getMessage()));
                return;
            } catch (ModelCallException failure) {
                if (failure.failure() == ModelFailure.CANCELLED) {
                    checkStop();
                }
                Optional<Duration> wait = policy.delayAfter(attempt, failure, ThreadLocalRandom.current());
                if (wait.isEmpty()) {
                    endRun(ending(failure, attempt));
                    return;
                }
                log.info("model call of {} failed ({}); attempt {} in {} ms", id, failure.failure(), attempt + 1,
                        wait.get().toMillis());
                pause(wait.get());
            }
        }
    }

    private ModelRequest request() {
        AgentSetup agent = setup.agent();
        List<ToolSpec> specs = new ArrayList<>();
        for (AgentTool tool : AgentTool.values()) {
            if (allowedTools().contains(tool)) {
                specs.add(tool.spec());
            }
        }
        return ModelRequest.builder(worker.properties().endpoint(agent.provider(), agent.baseUrl()),
                        conversation.model(agent.model()))
                .system(PLAN_MODE.equals(conversation.mode()) ? setup.systemPrompt() + PLAN_NOTE : setup.systemPrompt())
                .conversation(conversation.turns())
                .tools(specs)
                .maxTokens(worker.properties().maxTokens())
                .thinking(conversation.thinking())
                .timeout(worker.properties().modelTimeout())
                .build();
    }

    /** The agent's tools, only those that change nothing in plan mode. */
    private java.util.Set<AgentTool> allowedTools() {
        if (!PLAN_MODE.equals(conversation.mode())) {
            return setup.agent().tools();
        }
        java.util.Set<AgentTool> tools = java.util.EnumSet.noneOf(AgentTool.class);
        for (AgentTool tool : setup.agent().tools()) {
            if (tool == AgentTool.READ_FILE || tool == AgentTool.LIST_FILES) {
                tools.add(tool);
            }
        }
        return tools;
    }

    private ModelResponse callOnce(ModelRequest request) throws ModelCallException, CredentialProblem {
        checkStop();
        ModelCall call;
        try (ApiKey key = revealKey()) {
            call = worker.models().start(request, key, new ModelStreamListener() {
                @Override
                public void onTextDelta(String text) {
                    worker.eventLog().publish(id, new AgentMessageDelta(text));
                }

                @Override
                public void onThinkingDelta(String text) {
                    worker.eventLog().publish(id, new AgentThinkingDelta(text));
                }
            });
        }
        beginWait();
        try {
            return call.await();
        } catch (InterruptedException e) {
            call.cancel();
            throw new Stopped(stopReasonOr(Stop.SHUTDOWN));
        } finally {
            endWait();
        }
    }

    /**
     * The agent's model key, revealed from the secret store for this one call; the plaintext is
     * wiped from every array it passed through, and the caller closes the key once the call started.
     */
    private ApiKey revealKey() throws CredentialProblem {
        SecretName name = setup.agent().credential();
        if (name == null) {
            throw new CredentialProblem("model_credential_missing", "the agent names no credential; set the "
                    + "agent's credential to the name of a secret holding the model key, then send a message");
        }
        SecretValue secret;
        try {
            secret = worker.secrets().reveal(setup.tenant().value(), name, "brain:" + worker.id() + " session " + id);
        } catch (SecretNotFoundException e) {
            throw new CredentialProblem("model_credential_missing", "the tenant has no secret named " + name
                    + " (the agent's credential); create it, then send a message");
        } catch (SecretDecryptionException e) {
            throw new CredentialProblem("model_credential_unreadable", "the secret " + name
                    + " cannot be decrypted with the configured master keys; store it again, then send a message");
        }
        byte[] bytes = secret.bytes();
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
        try {
            int start = chars.position();
            int end = chars.limit();
            while (start < end && Character.isWhitespace(chars.get(start))) {
                start++;
            }
            while (end > start && Character.isWhitespace(chars.get(end - 1))) {
                end--;
            }
            if (start == end) {
                throw new CredentialProblem("model_credential_missing", "the secret " + name + " is blank");
            }
            char[] key = new char[end - start];
            chars.get(start, key);
            try {
                return ApiKey.of(key);
            } finally {
                Arrays.fill(key, '\0');
            }
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            secret.destroy();
        }
    }

    /** The event a model failure ends the run with, after the retries the policy allowed. */
    private SessionEvent ending(ModelCallException failure, int attempts) {
        String message = failure.getMessage();
        if (failure.failure() == ModelFailure.TIMEOUT) {
            return new RunStuck("model_timeout", message + " (" + attempts + " attempts)");
        }
        if (failure.retryable()) {
            return new SessionFailed("model_unavailable", message + " (gave up after " + attempts
                    + " attempts); send a message to try again");
        }
        return switch (failure.failure()) {
            case AUTHENTICATION -> new SessionFailed("model_authentication", message
                    + "; store a valid key in the agent's credential, then send a message");
            case PERMISSION -> new SessionFailed("model_permission", message);
            case NOT_FOUND -> new SessionFailed("model_not_found", message + "; check the agent's model and base URL");
            case INVALID_REQUEST -> new SessionFailed("model_invalid_request", message);
            case PROTOCOL -> new SessionFailed("model_protocol", message + "; check the agent's base URL");
            default -> new SessionFailed("model_error", message);
        };
    }

    private Optional<RunStuck> limitReached() {
        AgentSetup agent = setup.agent();
        if (conversation.runSteps() >= agent.maxSteps()) {
            return Optional.of(new RunStuck("max_steps", "the run made " + conversation.runSteps()
                    + " model calls, the agent's limit; send a message to go on"));
        }
        Instant started = conversation.runStartedAt();
        if (started != null) {
            Duration took = Duration.between(started, worker.clock().instant());
            if (took.compareTo(agent.maxRunTime()) > 0) {
                return Optional.of(new RunStuck("max_duration", "the run took " + took.toSeconds()
                        + " s, longer than the agent's limit of " + agent.maxRunTime().toSeconds()
                        + " s; send a message to go on"));
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ tools

    /** A pending call: answered as cancelled or interrupted when it was, else run. */
    private void answerOrRun(ContentBlock.ToolUse call) {
        Optional<ToolCallStarted> start = conversation.startOf(call.id());
        if (conversation.cancelled(call.id())) {
            if (start.isPresent() && start.get() instanceof CommandRun) {
                killLeftovers(call.id());
            }
            append(new ToolResult(call.id(), call.name(), CANCELLED, true));
            return;
        }
        if (start.isEmpty()) {
            runTool(call);
            return;
        }
        if (start.get() instanceof CommandRun) {
            // what is left of the command must not go on behind the model's back
            try {
                tools.killLeftovers(call.id());
            } catch (SandboxException e) {
                log.debug("cannot look for leftovers of {} in {}: {}", call.id(), id, e.toString());
            }
        }
        append(new ToolResult(call.id(), call.name(), INTERRUPTED, true));
    }

    private void killLeftovers(String callId) {
        try {
            tools.killLeftovers(callId);
        } catch (SandboxException e) {
            log.debug("cannot look for leftovers of {} in {}: {}", callId, id, e.toString());
        }
    }

    /** Answers every pending call of a stuck run (a started command is killed first). */
    private void answerStuckCalls(String why) {
        for (ContentBlock.ToolUse call : conversation.pendingCalls()) {
            if (conversation.startOf(call.id()).orElse(null) instanceof CommandRun) {
                killLeftovers(call.id());
            }
            append(new ToolResult(call.id(), call.name(), why, true));
        }
    }

    /** Answers every pending call before the run ends early, so the log stays a valid conversation. */
    private void answerPendingCalls(String notRun) {
        for (ContentBlock.ToolUse call : conversation.pendingCalls()) {
            boolean started = conversation.startOf(call.id()).isPresent();
            append(new ToolResult(call.id(), call.name(), started ? INTERRUPTED : notRun, true));
        }
    }

    private void runTool(ContentBlock.ToolUse call) {
        Optional<AgentTool> tool = AgentTool.named(call.name()).filter(allowedTools()::contains);
        if (tool.isEmpty()) {
            append(new ToolResult(call.id(), call.name(), "there is no tool named \"" + call.name()
                    + "\" here; the tools are " + allowedTools().stream().map(AgentTool::toolName).sorted()
                    .toList(), true));
            return;
        }
        ToolInvocation invocation;
        try {
            invocation = ToolInvocation.parse(new ToolCall(call.id(), call.name(), inputJson(call)));
        } catch (InvalidToolInputException e) {
            append(new ToolResult(call.id(), call.name(), e.getMessage(), true));
            return;
        }
        if (invocation instanceof ToolInvocation.Bash bash) {
            runCommand(call, bash);
        } else {
            runFileTool(call, invocation);
        }
    }

    /** The input as the model wrote it: JSON it could not parse was stored as {@code {"invalid_input": text}}. */
    private static String inputJson(ContentBlock.ToolUse call) {
        Map<String, Object> input = call.input();
        if (input.size() == 1 && input.get("invalid_input") instanceof String raw) {
            return raw;
        }
        return Conversation.JSON.writeValueAsString(input);
    }

    private void runFileTool(ContentBlock.ToolUse call, ToolInvocation invocation) {
        append(new ToolCalled(call.id(), call.name(), call.input()));
        SandboxTools.Outcome outcome;
        try {
            outcome = switch (invocation) {
                case ToolInvocation.ReadFile read -> tools.readFile(read);
                case ToolInvocation.WriteFile write -> tools.writeFile(write);
                case ToolInvocation.EditFile edit -> tools.editFile(edit);
                case ToolInvocation.ListFiles list -> tools.listFiles(list);
                case ToolInvocation.Bash bash -> throw new IllegalStateException("bash is a command");
            };
        } catch (SandboxNotRunningException | SandboxNotFoundException e) {
            restartSandbox();
            outcome = SandboxTools.Outcome.failed("the sandbox had stopped; " + SANDBOX_RESTARTED
                    + ". The outcome of this call is unknown: check, then try again.");
        }
        ToolResult result = new ToolResult(call.id(), call.name(), outcome.output(), outcome.error());
        if (outcome.written() != null) {
            append(new FileWritten(call.id(), outcome.written().absolute(), outcome.bytes()), result);
        } else {
            append(result);
        }
    }

    private void runCommand(ContentBlock.ToolUse call, ToolInvocation.Bash bash) {
        append(new CommandRun(call.id(), bash.command(), setup.cwd()));
        CommandTranscript transcript = new CommandTranscript(call.id(),
                (int) worker.properties().toolOutputLimit().toBytes(), output -> worker.eventLog().publish(id, output));
        Execution execution;
        try {
            execution = tools.startCommand(call.id(), bash, transcript);
        } catch (SandboxNotRunningException | SandboxNotFoundException e) {
            restartSandbox();
            append(new CommandExited(call.id(), -1, "[the command did not run: the sandbox had stopped; "
                    + SANDBOX_RESTARTED + ". Run it again if it is still needed.]", false, 0));
            return;
        }
        ExecResult result = awaitCommand(execution);
        String note = switch (result.termination()) {
            case EXITED -> result.exitCode() == 137
                    ? "\n[the command was killed with SIGKILL (exit 137), possibly for running out of memory]" : "";
            case TIMED_OUT -> "\n[the command ran longer than its timeout of " + tools.commandTimeout(bash).toSeconds()
                    + " s and was killed with its processes]";
            case KILLED -> "\n[the command was killed]";
            case SANDBOX_DIED -> {
                String why = restartSandbox();
                yield "\n[the sandbox died while the command ran (" + why + "); " + SANDBOX_RESTARTED + "]";
            }
        };
        String output = transcript.tail() + note;
        append(new CommandExited(call.id(), result.exitCode(), output, transcript.truncated(),
                result.duration().toMillis()));
    }

    private ExecResult awaitCommand(Execution execution) {
        beginWait();
        try {
            return execution.result().get();
        } catch (InterruptedException e) {
            try {
                execution.kill();
            } catch (RuntimeException failure) {
                log.warn("cannot kill the command of stopped run {}: {}", id, failure.toString());
            }
            throw new Stopped(stopReasonOr(Stop.SHUTDOWN));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            endWait();
        }
    }

    // ------------------------------------------------------------------ the sandbox

    /** Makes sure the session's sandbox runs before the run starts working in it. */
    private void ensureSandbox() {
        SandboxState state = inspect();
        boolean stopped = state != null
                && (state.status() == SandboxStatus.STOPPED || state.status() == SandboxStatus.CREATED);
        if (conversation.hibernated()) {
            // woken by a message: the same workspace, a started container, then the run goes on
            if (stopped) {
                worker.sandboxes().start(setup.sandbox().id());
            } else if (state == null || !state.running()) {
                worker.sandboxes().revive(setup.sandbox());
            }
            append(new SessionWoke());
        } else if (stopped) {
            worker.sandboxes().start(setup.sandbox().id());
        } else if (state == null || !state.running()) {
            restartSandbox();
        }
        if (setup.cwd() != null) {
            tools.makeWorkingDirectory();
        }
    }

    /**
     * The sandbox died or vanished: records {@code runtime.crashed}, brings it back on its
     * workspace, records {@code runtime.restarted}, and says what happened to it.
     */
    private String restartSandbox() {
        SandboxState state = inspect();
        String why;
        Integer exitCode = null;
        if (state == null || state.status() == SandboxStatus.ABSENT) {
            why = "its container is gone";
        } else if (state.killed()) {
            why = "it was killed (exit 137: out of memory, or killed from outside)";
            exitCode = 137;
        } else if (state.running()) {
            why = "it restarted";
        } else {
            why = "its container stopped" + (state.exitCode() == null ? "" : " with exit code " + state.exitCode());
            exitCode = state.exitCode();
        }
        log.info("the sandbox {} of {} died ({}); restarting it", setup.sandbox().id(), id, why);
        append(new RuntimeCrashed(why, exitCode));
        worker.sandboxes().revive(setup.sandbox());
        append(new RuntimeRestarted(conversation.lastSeq()));
        return why;
    }

    private SandboxState inspect() {
        try {
            return worker.sandboxes().inspect(setup.sandbox().id());
        } catch (SandboxNotFoundException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ the log

    /** Folds whatever was appended since the last read: the run's own events, and anyone else's. */
    private void catchUp() {
        while (true) {
            List<LoggedEvent> page = worker.eventLog().readAfter(id, conversation.lastSeq(), READ_PAGE);
            page.forEach(conversation::apply);
            if (page.size() < READ_PAGE) {
                return;
            }
        }
    }

    /** Appends under the lease's fencing token, never after a stop, and folds what was appended. */
    private List<LoggedEvent> append(SessionEvent... events) {
        checkStop();
        List<LoggedEvent> logged = worker.eventLog().append(id, List.of(events), lease.token());
        progressAtNanos = System.nanoTime();
        if (logged.getFirst().seq() == conversation.lastSeq() + 1) {
            logged.forEach(conversation::apply);
        } else {
            catchUp();
        }
        return logged;
    }

    /**
     * Ends the run with {@code end} ({@code session.idle}, {@code session.failed}, {@code run.stuck}),
     * unless a user message slipped in between the last read and {@code end}: that message would
     * be left unanswered by a session that is no longer running, so the run goes on with a new
     * {@code run.started} instead.
     */
    private void endRun(SessionEvent end) {
        long readUpTo = conversation.lastSeq();
        long endSeq = append(end).getFirst().seq();
        catchUp();
        long message = conversation.lastUserMessageSeq();
        if (message > readUpTo && message < endSeq && !conversation.closed()) {
            append(new RunStarted());
            startedAt = conversation.runStartedAt();
            windingDown = false;
            return;
        }
        over = true;
    }

    // ------------------------------------------------------------------ stopping

    /** Forgets a stop of {@code reason} (handled by the run itself); false when a harder stop replaced it. */
    private synchronized boolean clearStop(Stop reason) {
        if (stop != reason) {
            return false;
        }
        stop = null;
        Thread.interrupted();
        return true;
    }

    private synchronized Stop stopReason() {
        return stop;
    }

    private synchronized Stop stopReasonOr(Stop fallback) {
        return stop != null ? stop : fallback;
    }

    private synchronized void checkStop() {
        if (stop != null) {
            throw new Stopped(stop);
        }
    }

    private synchronized void beginWait() {
        checkStop();
        waiting = true;
    }

    /** Ends a wait; an interrupt that raced with its end is cleared, and a stop is honoured. */
    private synchronized void endWait() {
        waiting = false;
        Thread.interrupted();
        checkStop();
    }

    private void pause(Duration duration) {
        beginWait();
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            throw new Stopped(stopReasonOr(Stop.SHUTDOWN));
        } finally {
            endWait();
        }
    }
}
