package dev.opencomputer.brain;

import dev.opencomputer.session.ClientToolCalled;
import dev.opencomputer.session.ContentBlock;

/**
 * A call of one of the agent's client tools: the user's backend runs it, so the run only records
 * the call ({@code client_tool.called}, which makes the session {@code waiting}) and ends; the
 * backend's {@code POST …/tool-results} stores the call's {@code tool.result}, the session becomes
 * pending, and the next run sends the result to the model. A call already recorded (a run claimed
 * before the result, which only races make possible) is recorded again with the same call id, which
 * the API and the folds count once.
 */
final class ClientToolStep {

    private final AgentSetup agent;
    private final RunLog runLog;

    ClientToolStep(AgentSetup agent, RunLog runLog) {
        this.agent = agent;
        this.runLog = runLog;
    }

    boolean handles(ContentBlock.ToolUse call) {
        return agent.clientTool(call.name()).isPresent();
    }

    /** The event that ends the run until the backend answers {@code call}. */
    ClientToolCalled call(ContentBlock.ToolUse call) {
        return runLog.conversation().waits().clientCall(call.id())
                .map(pending -> pending.call())
                .orElseGet(() -> new ClientToolCalled(call.id(), call.name(), call.input()));
    }
}
