package dev.opencomputer.brain;

import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.SessionEvent;
import java.util.List;
import java.util.Optional;

/**
 * The {@code native} runtime: the brain itself is the agent. Its first step prepares the session's
 * workspace for the tools the brain runs itself ({@link BrainToolStep}); then the open tool calls
 * of the latest response run one at a time, in order, in the sandbox ({@link ToolStep}) or in the
 * brain; with none left, the model is called ({@link ModelStep}).
 */
final class NativeRuntime implements AgentRuntime {

    private final ToolStep tools;
    private final BrainToolStep brainTools;
    private final ModelStep model;
    private Optional<SessionEvent> unprepared;

    NativeRuntime(RunScope run) {
        this.tools = new ToolStep(run.setup(), run.tools(), run.sandbox(), run.log(), run.signals(),
                (int) run.context().properties().toolOutputLimit().toBytes());
        this.brainTools = new BrainToolStep(run);
        this.model = new ModelStep(run.context(), run.setup(), run.log(), run.signals(), run.budget());
    }

    @Override
    public Optional<SessionEvent> step(Conversation conversation) {
        if (unprepared == null) {
            unprepared = brainTools.prepare();
        }
        if (unprepared.isPresent()) {
            return unprepared;
        }
        List<ContentBlock.ToolUse> open = conversation.pendingCalls();
        if (!open.isEmpty()) {
            if (brainTools.handles(open.getFirst())) {
                brainTools.run(open.getFirst());
            } else {
                tools.run(open.getFirst());
            }
            return Optional.empty();
        }
        return model.take();
    }
}
