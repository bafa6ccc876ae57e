package dev.opencomputer.brain;

import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Termination;
import dev.opencomputer.session.SandboxDiskExceeded;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxNotRunningException;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tool call of the native runtime, run in the session's sandbox: its start is appended before
 * it runs ({@code command.run} / {@code tool.call}), its end after ({@code command.exited} /
 * {@code tool.result}, with {@code file.write} for a change). A call the model cannot make gets only
 * an error result; a sandbox that died under the call is brought back and the model told so.
 */
final class ToolStep {

    private static final Logger log = LoggerFactory.getLogger(ToolStep.class);

    private final SessionSetup setup;
    private final SandboxTools tools;
    private final SandboxRecovery sandbox;
    private final RunLog runLog;
    private final RunSignals signals;
    private final int outputLimit;

    ToolStep(SessionSetup setup, SandboxTools tools, SandboxRecovery sandbox, RunLog runLog, RunSignals signals,
            int outputLimit) {
        this.setup = setup;
        this.tools = tools;
        this.sandbox = sandbox;
        this.runLog = runLog;
        this.signals = signals;
        this.outputLimit = outputLimit;
    }

    /** Runs {@code call}, which has not started yet. */
    void run(ContentBlock.ToolUse call) {
        Set<AgentTool> allowed = PlanMode.tools(setup.agent(), runLog.conversation().mode());
        Optional<AgentTool> tool = AgentTool.named(call.name()).filter(allowed::contains);
        if (tool.isEmpty()) {
            runLog.append(new ToolResult(call.id(), call.name(), "there is no tool named \"" + call.name()
                    + "\" here; the tools are " + allowed.stream().map(AgentTool::toolName).sorted().toList(), true));
            return;
        }
        ToolInvocation invocation;
        try {
            invocation = ToolInvocation.parse(new ToolCall(call.id(), call.name(), inputJson(call)));
        } catch (InvalidToolInputException e) {
            runLog.append(new ToolResult(call.id(), call.name(), e.getMessage(), true));
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
        runLog.append(new ToolCalled(call.id(), call.name(), call.input()));
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
            sandbox.restart();
            outcome = SandboxTools.Outcome.failed("the sandbox had stopped; " + SandboxRecovery.RESTARTED
                    + ". The outcome of this call is unknown: check, then try again.");
        }
        ToolResult result = new ToolResult(call.id(), call.name(), outcome.output(), outcome.error());
        if (outcome.written() != null) {
            runLog.append(new FileWritten(call.id(), outcome.written().absolute(), outcome.bytes()), result);
        } else {
            runLog.append(result);
        }
    }

    private void runCommand(ContentBlock.ToolUse call, ToolInvocation.Bash bash) {
        runLog.append(new CommandRun(call.id(), bash.command(), setup.cwd()));
        CommandTranscript transcript = new CommandTranscript(call.id(), outputLimit, runLog::publish);
        Execution execution;
        try {
            execution = tools.startCommand(call.id(), bash, transcript);
        } catch (SandboxNotRunningException | SandboxNotFoundException e) {
            sandbox.restart();
            runLog.append(new CommandExited(call.id(), -1, "[the command did not run: the sandbox had stopped; "
                    + SandboxRecovery.RESTARTED + ". Run it again if it is still needed.]", false, 0));
            return;
        }
        ExecResult result = signals.await(() -> result(execution), () -> kill(execution));
        String note = switch (result.termination()) {
            case EXITED -> result.exitCode() == 137
                    ? "\n[the command was killed with SIGKILL (exit 137), possibly for running out of memory]" : "";
            case TIMED_OUT -> "\n[the command ran longer than its timeout of " + tools.commandTimeout(bash).toSeconds()
                    + " s and was killed with its processes]";
            case KILLED -> "\n[the command was killed]";
            case SANDBOX_DIED -> "\n[the sandbox died while the command ran (" + sandbox.restart() + "); "
                    + SandboxRecovery.RESTARTED + "]";
            case DISK_EXCEEDED -> "\n[the command was killed with its processes: the sandbox has written "
                    + megabytes(result.disk().usedBytes()) + ", past its disk quota of "
                    + megabytes(result.disk().limitBytes()) + "; delete files to go on]";
        };
        if (result.termination() == Termination.DISK_EXCEEDED) {
            runLog.append(new SandboxDiskExceeded(call.id(), result.disk().usedBytes(), result.disk().limitBytes()));
        }
        runLog.append(new CommandExited(call.id(), result.exitCode(), transcript.tail() + note,
                transcript.truncated(), result.duration().toMillis()));
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static ExecResult result(Execution execution) throws InterruptedException {
        try {
            return execution.result().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void kill(Execution execution) {
        try {
            execution.kill();
        } catch (RuntimeException failure) {
            log.warn("cannot kill the command of stopped run {}: {}", runLog.session(), failure.toString());
        }
    }
}
