package dev.opencomputer.brain;

import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.ToolResult;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that answers tool calls of the latest response which will not run (or not again):
 * a call cancelled by {@code run.cancelled}, a call whose start is logged but whose run died
 * ({@value #INTERRUPTED}), and every open call when the run ends early (failed, stuck). Each is
 * answered with an error {@code tool.result}, so the log stays a valid conversation; what is left of
 * a started command is killed first where the sandbox is known.
 */
final class OpenCalls {

    private static final Logger log = LoggerFactory.getLogger(OpenCalls.class);
    /** What the model is told about a call that started but never ended because its run died. */
    static final String INTERRUPTED = "interrupted by a runtime restart; outcome unknown";
    /** What the model is told about a call left without a result by a cancel. */
    static final String CANCELLED = "cancelled";

    private final RunLog runLog;
    private final SandboxTools tools;

    /** @param tools the session's tools, to kill leftovers with; null when the sandbox is not known */
    OpenCalls(RunLog runLog, SandboxTools tools) {
        this.runLog = runLog;
        this.tools = tools;
    }

    /**
     * Answers {@code call} when it was cancelled or interrupted (leftovers killed) and says so;
     * false when it is still to run.
     */
    boolean settle(ContentBlock.ToolUse call) {
        Conversation conversation = runLog.conversation();
        if (conversation.cancelled(call.id())) {
            answer(call, CANCELLED, true);
            return true;
        }
        if (conversation.startOf(call.id()).isPresent()) {
            // what is left of the command must not go on behind the model's back
            answer(call, INTERRUPTED, true);
            return true;
        }
        return false;
    }

    /** The run fails before running the open calls: each gets {@code notRun}, or {@value #INTERRUPTED} if it had started. */
    void answerNotRun(String notRun) {
        answerEach(call -> runLog.conversation().startOf(call.id()).isPresent() ? INTERRUPTED : notRun, false);
    }

    /** The run was stopped by its watchdog: every open call gets {@code why} (a started command is killed first). */
    void answerStopped(String why) {
        answerEach(call -> why, true);
    }

    private void answerEach(Function<ContentBlock.ToolUse, String> output, boolean killLeftovers) {
        for (ContentBlock.ToolUse call : runLog.conversation().pendingCalls()) {
            answer(call, output.apply(call), killLeftovers);
        }
    }

    private void answer(ContentBlock.ToolUse call, String output, boolean killLeftovers) {
        if (killLeftovers && tools != null && runLog.conversation().startOf(call.id()).orElse(null) instanceof CommandRun) {
            try {
                tools.killLeftovers(call.id());
            } catch (SandboxException e) {
                log.debug("cannot look for leftovers of {} in {}: {}", call.id(), runLog.session(), e.toString());
            }
        }
        runLog.append(new ToolResult(call.id(), call.name(), output, true));
    }
}
