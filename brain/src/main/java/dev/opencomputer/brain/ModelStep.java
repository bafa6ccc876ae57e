package dev.opencomputer.brain;

import dev.opencomputer.session.AgentMessageDelta;
import dev.opencomputer.session.AgentThinkingDelta;
import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionFailed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model call of the native runtime, with retries: the request is built from the folded
 * conversation and the agent, the key is revealed for each attempt, text and thinking deltas are
 * streamed as ephemeral events, and the response is stored as {@code agent.message}. A call that
 * cannot be made ends the run with the event its failure maps to; a call the session's
 * {@link Budget} refuses (it would certainly cross a limit) is not made and ends the run with
 * {@code budget.exhausted}.
 */
final class ModelStep {

    private static final Logger log = LoggerFactory.getLogger(ModelStep.class);

    private final RunContext context;
    private final SessionSetup setup;
    private final RunLog runLog;
    private final RunSignals signals;
    private final ModelCredentials credentials;
    private final Supplier<List<ToolSpec>> mcpTools;
    private final Budget budget;

    /**
     * @param budget   the session's budget, checked before and after each call
     * @param mcpTools the tools of the session's connected MCP servers, asked before each call
     */
    ModelStep(RunContext context, SessionSetup setup, RunLog runLog, RunSignals signals, Budget budget,
            Supplier<List<ToolSpec>> mcpTools) {
        this.budget = budget;
        this.mcpTools = mcpTools;
        this.context = context;
        this.setup = setup;
        this.runLog = runLog;
        this.signals = signals;
        this.credentials = new ModelCredentials(context.secrets(), context.workerId());
    }

    /** Calls the model and stores its response; or answers the event that ends the run. */
    Optional<SessionEvent> take() {
        Conversation conversation = runLog.conversation();
        long inputSeq = conversation.lastUserTurnSeq();
        ModelRequest request;
        try {
            request = request(conversation);
        } catch (IllegalArgumentException e) {
            return Optional.of(new SessionFailed("conversation_invalid", "the conversation cannot be sent: "
                    + e.getMessage()));
        }
        Optional<BudgetExhausted> refused = budget.refuses(request.model(), Budget.estimateInputTokens(request),
                context.clock().instant());
        if (refused.isPresent()) {
            log.info("model call of {} not made: budget {} would be crossed", runLog.session(), refused.get().kind());
            return Optional.of(refused.get());
        }
        ModelRetryPolicy policy = context.properties().retry().policy();
        for (int attempt = 1; ; attempt++) {
            try {
                ModelResponse response = callOnce(request);
                runLog.append(Conversation.message(response, inputSeq));
                return Optional.empty();
            } catch (ModelCredentials.Problem problem) {
                return Optional.of(new SessionFailed(problem.reason(), problem.getMessage()));
            } catch (ModelCallException failure) {
                if (failure.failure() == ModelFailure.CANCELLED) {
                    signals.check();
                }
                Optional<Duration> wait = policy.delayAfter(attempt, failure, context.random());
                if (wait.isEmpty()) {
                    return Optional.of(ending(failure, attempt));
                }
                log.info("model call of {} failed ({}); attempt {} in {} ms", runLog.session(), failure.failure(),
                        attempt + 1, wait.get().toMillis());
                signals.pause(wait.get());
            }
        }
    }

    private ModelRequest request(Conversation conversation) {
        AgentSetup agent = setup.agent();
        Set<AgentTool> allowed = PlanMode.tools(agent, conversation.mode());
        List<ToolSpec> specs = new ArrayList<>();
        for (AgentTool tool : AgentTool.values()) {
            if (allowed.contains(tool)) {
                specs.add(tool.spec());
            }
        }
        specs.addAll(PlanMode.brainTools(context, new BrainTools.Session(runLog.session(), setup,
                conversation.metadata()), conversation.mode()));
        specs.addAll(PlanMode.mcpTools(mcpTools.get(), conversation.mode()));
        specs.addAll(agent.clientTools());
        BrainProperties properties = context.properties();
        return ModelRequest.builder(properties.endpoint(agent.provider(), agent.baseUrl()),
                        conversation.model(agent.model()))
                .system(PlanMode.system(setup.systemPrompt(), conversation.mode()))
                .conversation(conversation.turns())
                .tools(specs)
                .maxTokens(properties.maxTokens())
                .thinking(conversation.thinking())
                .timeout(properties.modelTimeout())
                .build();
    }

    private ModelResponse callOnce(ModelRequest request) throws ModelCallException, ModelCredentials.Problem {
        signals.check();
        ModelCall call;
        try (ApiKey key = credentials.reveal(setup, runLog.session())) {
            call = context.models().start(request, key, new ModelStreamListener() {
                @Override
                public void onTextDelta(String text) {
                    runLog.publish(new AgentMessageDelta(text));
                }

                @Override
                public void onThinkingDelta(String text) {
                    runLog.publish(new AgentThinkingDelta(text));
                }
            });
        }
        return signals.await(call::await, call::cancel);
    }

    /** The event a model failure ends the run with, after the retries the policy allowed. */
    static SessionEvent ending(ModelCallException failure, int attempts) {
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
}
