package dev.opencomputer.brain;

import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.SessionEvent;
import java.util.List;
import java.util.Optional;

/**
 * The {@code native} runtime: the brain itself is the agent. The open tool calls of the latest
 * response run one at a time, in order, in the sandbox ({@link ToolStep}); with none left, the
 * model is called ({@link ModelStep}).
 */
final class NativeRuntime implements AgentRuntime {

    private final ToolStep tools;
    private final ModelStep model;

    NativeRuntime(RunScope run) {
        this.tools = new ToolStep(run.setup(), run.tools(), run.sandbox(), run.log(), run.signals(),
                (int) run.context().properties().toolOutputLimit().toBytes());
        this.model = new ModelStep(run.context(), run.setup(), run.log(), run.signals());
    }

    @Override
    public Optional<SessionEvent> step(Conversation conversation) {
        List<ContentBlock.ToolUse> open = conversation.pendingCalls();
        if (!open.isEmpty()) {
            tools.run(open.getFirst());
            return Optional.empty();
        }
        return model.take();
    }
}
