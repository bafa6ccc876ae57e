package dev.opencomputer.brain;

import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.ToolResult;
import java.util.List;
import java.util.Optional;

/**
 * The {@code native} runtime: the brain itself is the agent. Its first step prepares the session's
 * workspace for the tools the brain runs itself ({@link BrainToolStep}); then the open tool calls
 * of the latest response run one at a time, in order — each one first past the session's
 * {@link PermissionGate} — in the sandbox ({@link ToolStep}), in the brain, on the session's MCP
 * servers ({@link McpToolStep}, connected at the run's first step) or in the user's backend
 * ({@link ClientToolStep}); with none left, the model is called ({@link ModelStep}). A call that
 * waits for a person or a backend ends the run with the event that says so.
 */
final class NativeRuntime implements AgentRuntime {

    private final ToolStep tools;
    private final BrainToolStep brainTools;
    private final McpToolStep mcp;
    private final ClientToolStep clientTools;
    private final ModelStep model;
    private final PermissionGate gate;
    private final SessionSetup setup;
    private final RunLog runLog;
    private Optional<SessionEvent> unprepared;

    NativeRuntime(RunScope run) {
        this.setup = run.setup();
        this.runLog = run.log();
        this.tools = new ToolStep(run.setup(), run.tools(), run.sandbox(), run.log(), run.signals(),
                (int) run.context().properties().toolOutputLimit().toBytes());
        this.brainTools = new BrainToolStep(run);
        this.mcp = new McpToolStep(run);
        this.clientTools = new ClientToolStep(run.setup().agent(), run.log());
        this.model = new ModelStep(run.context(), run.setup(), run.log(), run.signals(), run.budget(), mcp::specs);
        this.gate = new PermissionGate(run.setup().agent().permissions(), () -> run.log().conversation().waits(),
                run.context().clock(), run.context().random());
    }

    @Override
    public Optional<SessionEvent> step(Conversation conversation) {
        if (unprepared == null) {
            unprepared = brainTools.prepare();
        }
        if (unprepared.isPresent()) {
            return unprepared;
        }
        mcp.open();
        List<ContentBlock.ToolUse> open = conversation.pendingCalls();
        if (open.isEmpty()) {
            mcp.announceChanges();
            return model.take();
        }
        ContentBlock.ToolUse call = open.getFirst();
        if (known(call, conversation)) {
            switch (gate.check(call.id(), call.name(), call.input())) {
                case PermissionGate.Verdict.Wait wait -> {
                    return Optional.of(wait.request());
                }
                case PermissionGate.Verdict.Deny deny -> {
                    runLog.append(new ToolResult(call.id(), call.name(), deny.message(), true));
                    return Optional.empty();
                }
                case PermissionGate.Verdict.Allow allow -> {
                }
            }
        }
        if (clientTools.handles(call)) {
            return Optional.of(clientTools.call(call));
        }
        if (mcp.handles(call)) {
            mcp.run(call);
        } else if (brainTools.handles(call)) {
            brainTools.run(call);
        } else {
            tools.run(call);
        }
        return Optional.empty();
    }

    /** Whether {@code call} names a tool of the session: a call of an unknown tool is answered without asking anyone. */
    private boolean known(ContentBlock.ToolUse call, Conversation conversation) {
        return clientTools.handles(call) || mcp.handles(call) || brainTools.handles(call) || AgentTool.named(call.name())
                .filter(PlanMode.tools(setup.agent(), conversation.mode())::contains).isPresent();
    }

    @Override
    public void close() {
        mcp.close();
    }
}
